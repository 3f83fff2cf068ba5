/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_THREAD_POOL_H
#define DL_THREAD_POOL_H

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * A fixed set of threads that run trainer work (local steps, evaluations) beside the simulator.
 * Results never depend on the thread count: a task touches only what it was given (one
 * replica, one evaluation) plus the compute scratch of the lane it runs on, so any thread may
 * run any task. With one thread there are no threads at all: Submit runs the task at once on
 * the caller's thread, which is the reference every threaded run is compared with.
 */
class ThreadPool
{
  public:
    /** Most threads a pool is meant to hold (TrainingJob refuses more). */
    static constexpr unsigned MAX_THREADS = 256;

    /** \param threads worker threads; 0 or 1 runs every task inline on the caller */
    explicit ThreadPool(unsigned threads);

    /** Waits for the queued tasks, then joins the threads. */
    ~ThreadPool();

    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /**
     * Queue \p task (FIFO). An exception it throws is rethrown by the future's get().
     * \return the task's completion
     */
    std::future<void> Submit(std::function<void()> task);

    /** \return the threads that run tasks (1 when tasks run inline) */
    unsigned Threads() const
    {
        return m_threads.empty() ? 1 : unsigned(m_threads.size());
    }

    /**
     * \return how many compute lanes callers must provide: the caller's thread is lane 0 and
     *         each pool thread has its own lane 1..Threads()
     */
    unsigned Lanes() const
    {
        return m_threads.empty() ? 1 : unsigned(m_threads.size()) + 1;
    }

    /** \return the lane of the calling thread (0 outside any pool) */
    static unsigned CurrentLane();

    /**
     * \param sharers processes that share the machine's hardware threads (ranks on one machine)
     * \return the default thread count: the machine's hardware threads over \p sharers, at least
     *         1, at most 8
     */
    static unsigned DefaultThreads(unsigned sharers = 1);

  private:
    /// A pool thread's loop.
    void Work(unsigned lane);

    std::vector<std::thread> m_threads;             //!< the pool
    std::deque<std::packaged_task<void()>> m_queue; //!< waiting tasks
    std::mutex m_mutex;                             //!< guards m_queue and m_stopping
    std::condition_variable m_wake;                 //!< a task or the stop arrived
    bool m_stopping{false};                         //!< the destructor runs
};

} // namespace dl

#endif // DL_THREAD_POOL_H
