/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PACKET_LOSS_HELPER_H
#define PACKET_LOSS_HELPER_H

#include "ns3/error-model.h"
#include "ns3/net-device-container.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Puts a receive error model on every device of any NetDeviceContainer (point-to-point, CSMA,
 * or any device with a "ReceiveErrorModel" attribute), one independent model per device.
 *
 * Where to put them is the caller's choice: on the hosts' NICs only (each host-to-host path then
 * crosses exactly one model, so the rate is the end-to-end loss probability, as the paper means
 * it), or on every link direction (loss compounds per hop).
 */
class PacketLossHelper
{
  public:
    /** No loss until SetModel. */
    PacketLossHelper();

    /**
     * \param model "bernoulli" (RateErrorModel per packet), "burst" (BurstErrorModel with bursts
     *        of BurstLength packets) or "gilbert-elliott" (GilbertElliottErrorModel)
     * \param rate the long-run fraction of packets the model drops, in [0, 1)
     */
    void SetModel(const std::string& model, double rate);
    /** Mean burst length in packets (burst and gilbert-elliott; >= 1: Check). */
    void SetBurstLength(double packets);

    /** \return the loss model's name */
    const std::string& GetModel() const
    {
        return m_model;
    }

    /** \return the configured long-run loss rate */
    double GetRate() const
    {
        return m_rate;
    }

    /**
     * \return why these settings are no loss model (one line: an unknown name, a rate outside
     *         [0, 1), a burst shorter than a packet), or empty; Create and Install abort with it
     */
    std::string Check() const;

    /** \return a new error model with these settings */
    Ptr<ErrorModel> Create() const;

    /**
     * Set a new error model as every device's ReceiveErrorModel; with a rate of 0, nothing.
     * Aborts, naming the device, if one has no ReceiveErrorModel attribute.
     */
    void Install(const NetDeviceContainer& devices);

    /**
     * Give the error models installed so far fixed random streams, from \p stream on, in the
     * order they were installed (ns-3's AssignStreams convention). Without it their streams
     * are numbered automatically, in order of creation with every other random variable of the
     * simulation, so a loss pattern changes whenever anything else (an ns-3 release, another
     * model in the script) creates one more.
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    std::string m_model{"bernoulli"};         //!< bernoulli | burst | gilbert-elliott
    double m_rate{0.0};                       //!< long-run loss fraction
    double m_burstLength{4.0};                //!< mean burst length
    std::vector<Ptr<ErrorModel>> m_installed; //!< every model installed, in order
};

} // namespace ns3

#endif // PACKET_LOSS_HELPER_H
