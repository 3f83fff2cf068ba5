/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DISTRIBUTED_LEARNING_VERSION_H
#define DISTRIBUTED_LEARNING_VERSION_H

/**
 * \ingroup distributed-learning
 * The module's version (semantic versioning). dl-train --version prints it; dl-sweep records it
 * in every manifest; CITATION.cff carries the same string (a test checks that they agree).
 */
#define DISTRIBUTED_LEARNING_VERSION "0.4.0"

#endif // DISTRIBUTED_LEARNING_VERSION_H
