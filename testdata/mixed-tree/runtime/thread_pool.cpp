// A small fixed-size thread pool with process-wide bookkeeping in static
// members and globals. Ordinary C++, no IIS code: nothing here may be
// reported.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

class ThreadPool;

std::vector<ThreadPool*>    g_allPools;
std::mutex                  g_allPoolsLock;
std::atomic<size_t>         g_tasksQueued{0};
std::atomic<ThreadPool*>    g_lastCreated{nullptr};
thread_local ThreadPool*    t_currentPool = nullptr;

class ThreadPool
{
public:
    explicit ThreadPool(size_t threadCount)
        : m_stopping(false)
    {
        for (size_t i = 0; i < threadCount; ++i)
        {
            m_workers.emplace_back([this] { WorkerLoop(); });
        }

        std::lock_guard<std::mutex> lock(g_allPoolsLock);
        g_allPools.push_back(this);
        g_lastCreated.store(this);
        s_poolCount++;
    }

    ~ThreadPool()
    {
        {
            std::lock_guard<std::mutex> lock(m_lock);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (std::thread& worker : m_workers)
        {
            worker.join();
        }
        s_poolCount--;
    }

    void Submit(std::function<void()> task)
    {
        {
            std::lock_guard<std::mutex> lock(m_lock);
            m_tasks.push(std::move(task));
        }
        g_tasksQueued.fetch_add(1);
        m_wake.notify_one();
    }

    static ThreadPool* Default()
    {
        static ThreadPool* s_fallback = nullptr;
        if (s_default == nullptr)
        {
            s_default = new ThreadPool(std::thread::hardware_concurrency());
            s_fallback = s_default;
        }
        return s_default;
    }

    static size_t PoolCount()
    {
        return s_poolCount;
    }

private:
    void WorkerLoop()
    {
        t_currentPool = this;
        for (;;)
        {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(m_lock);
                m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
                if (m_stopping && m_tasks.empty())
                {
                    return;
                }
                task = std::move(m_tasks.front());
                m_tasks.pop();
            }
            task();
        }
    }

    static ThreadPool*                  s_default;
    static size_t                       s_poolCount;

    std::vector<std::thread>            m_workers;
    std::queue<std::function<void()>>   m_tasks;
    std::mutex                          m_lock;
    std::condition_variable             m_wake;
    bool                                m_stopping;
};

ThreadPool* ThreadPool::s_default = nullptr;
size_t      ThreadPool::s_poolCount = 0;

void ShutdownAllPools()
{
    std::lock_guard<std::mutex> lock(g_allPoolsLock);
    for (ThreadPool* pool : g_allPools)
    {
        delete pool;
    }
    g_allPools.clear();
    g_lastCreated = nullptr;
}
