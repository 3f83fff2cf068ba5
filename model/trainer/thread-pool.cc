/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "thread-pool.h"

#include <algorithm>

namespace dl
{

namespace
{
thread_local unsigned g_lane = 0; //!< the lane of this thread (pool threads set theirs)
} // namespace

ThreadPool::ThreadPool(unsigned threads)
{
    if (threads <= 1)
    {
        return;
    }
    for (unsigned i = 0; i < threads; ++i)
    {
        m_threads.emplace_back(&ThreadPool::Work, this, i + 1);
    }
}

ThreadPool::~ThreadPool()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread& t : m_threads)
    {
        t.join();
    }
}

std::future<void>
ThreadPool::Submit(std::function<void()> task)
{
    std::packaged_task<void()> job(std::move(task));
    std::future<void> done = job.get_future();
    if (m_threads.empty())
    {
        job(); // an exception is stored in the future, as on a pool thread
        return done;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
    return done;
}

unsigned
ThreadPool::CurrentLane()
{
    return g_lane;
}

unsigned
ThreadPool::DefaultThreads(unsigned sharers)
{
    return std::clamp(std::thread::hardware_concurrency() / std::max(sharers, 1u), 1u, 8u);
}

void
ThreadPool::Work(unsigned lane)
{
    g_lane = lane;
    for (;;)
    {
        std::packaged_task<void()> job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
            {
                return; // stopping, and nothing left to run
            }
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job();
    }
}

} // namespace dl
