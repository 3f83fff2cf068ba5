/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef LINK_DOWN_ERROR_MODEL_H
#define LINK_DOWN_ERROR_MODEL_H

#include "ns3/error-model.h"

namespace ns3
{

/**
 * \ingroup dl-fabric
 * The receive error model of a device whose link has failed: every frame is lost. FabricTopology
 * puts one on both ends of a link while it is down, in place of the device's own model (kept, and
 * put back when the link returns), so the device reports each frame as a PhyRxDrop: whatever the
 * sender still transmits into the dead link, queued or in flight, is counted where it is lost.
 * It draws no random numbers, so a failure moves no random stream of the simulation.
 */
class LinkDownErrorModel : public ErrorModel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    LinkDownErrorModel();
    ~LinkDownErrorModel() override;

    /**
     * \param saved the model the device had before the link failed (may be null), to be put
     *        back when it returns
     */
    void SetSaved(Ptr<ErrorModel> saved);

    /** \return the model the device had before the link failed */
    Ptr<ErrorModel> GetSaved() const;

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;
    void DoDispose() override;

    Ptr<ErrorModel> m_saved; //!< the device's own model
};

} // namespace ns3

#endif // LINK_DOWN_ERROR_MODEL_H
