/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef JOB_TAG_H
#define JOB_TAG_H

#include "ns3/ptr.h"
#include "ns3/tag.h"

namespace ns3
{

class Packet;

/**
 * \ingroup dl-transport
 * Marks a packet as belonging to one training job (TrainingJob::GetId), so that drop traces on
 * devices shared with other traffic -- or with another job -- count the job's own packets only.
 * A packet tag: it rides with the packet through queues, links and error models, costs nothing
 * on the wire and is invisible to pcap.
 */
class JobTag : public Tag
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;

    JobTag();
    /** \param job the job's id */
    explicit JobTag(uint64_t job);

    /** \return the job's id */
    uint64_t GetJob() const
    {
        return m_job;
    }

    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer buffer) const override;
    void Deserialize(TagBuffer buffer) override;
    void Print(std::ostream& os) const override;

    /** \return true if \p packet carries a JobTag of job \p job */
    static bool IsFromJob(Ptr<const Packet> packet, uint64_t job);

  private:
    uint64_t m_job{0}; //!< the job's id
};

} // namespace ns3

#endif // JOB_TAG_H
