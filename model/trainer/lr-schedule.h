/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_LR_SCHEDULE_H
#define DL_LR_SCHEDULE_H

#include <cstdint>
#include <string>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Learning rate as a function of the step: constant, step decay or cosine, each with an
 * optional linear warm-up.
 */
struct LrSchedule
{
    /** Schedule shapes. */
    enum Kind
    {
        CONSTANT, //!< base rate throughout
        STEP,     //!< multiplied by gamma every stepSize steps
        COSINE    //!< half cosine from base to 0 over totalSteps
    };

    Kind kind{CONSTANT};     //!< the shape
    double base{0.05};       //!< base learning rate
    uint64_t warmupSteps{0}; //!< linear ramp from base/warmupSteps to base over these steps
    uint64_t stepSize{1000}; //!< STEP: decay period
    double gamma{0.1};       //!< STEP: decay factor
    uint64_t totalSteps{1};  //!< COSINE: length of the schedule

    /** \return the learning rate at step \p step (0-based) */
    double At(uint64_t step) const;

    /** \return the kind named "constant", "step" or "cosine"; throws DataError otherwise */
    static Kind ParseKind(const std::string& name);
};

} // namespace dl

#endif // DL_LR_SCHEDULE_H
