#include "core/runtime/thread_pool.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace espalier::runtime {

namespace {

// Set on the pool's threads and on a caller while it runs a parallel section: a parallelFor from
// inside one (a product inside an attention head) runs inline instead of re-entering the pool.
thread_local bool insideParallel = false;

// Workers wait for a new generation of work, run their part, and count down. The caller runs part 0.
class Pool {
public:
    explicit Pool(int threads)
    {
        for (int i = 1; i < threads; ++i)
            workers_.emplace_back([this, i] { loop(i); });
    }
    ~Pool()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (std::thread& t : workers_)
            t.join();
    }
    int threads() const { return int(workers_.size()) + 1; }

    void run(int parts, const std::function<void(int, int)>& body)
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            body_ = &body;
            parts_ = parts;
            pending_ = parts - 1;
            error_ = nullptr;
            ++generation_;
        }
        wake_.notify_all();
        try {
            body(0, parts);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_)
                error_ = std::current_exception();
        }
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
        body_ = nullptr;
        if (error_)
            std::rethrow_exception(error_);
    }

private:
    void loop(int index)
    {
        insideParallel = true;
        unsigned long long seen = 0;
        for (;;) {
            const std::function<void(int, int)>* body = nullptr;
            int parts = 0;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
                if (stop_)
                    return;
                seen = generation_;
                body = body_;
                parts = parts_;
            }
            if (index < parts) {
                try {
                    (*body)(index, parts);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mutex_);
                    if (!error_)
                        error_ = std::current_exception();
                }
                std::lock_guard<std::mutex> lock(mutex_);
                if (--pending_ == 0)
                    done_.notify_one();
            }
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int, int)>* body_ = nullptr;
    int parts_ = 0;
    int pending_ = 0;
    unsigned long long generation_ = 0;
    bool stop_ = false;
    std::exception_ptr error_;
};

std::unique_ptr<Pool>& pool()
{
    static std::unique_ptr<Pool> p;
    return p;
}

int& threadCount()
{
    static int n = 1;
    return n;
}

} // namespace

void setComputeThreads(int threads)
{
    if (threads < 1 || threads > 256)
        throw InputError("threads: expected 1 to 256, got " + std::to_string(threads));
    if (threads == threadCount())
        return;
    pool().reset();
    if (threads > 1)
        pool() = std::make_unique<Pool>(threads);
    threadCount() = threads;
}

int computeThreads()
{
    return threadCount();
}

void parallelFor(int maxParts, const std::function<void(int, int)>& body)
{
    const int parts = std::max(1, std::min(maxParts, threadCount()));
    if (parts == 1 || !pool() || insideParallel) {
        body(0, 1);
        return;
    }
    insideParallel = true;
    try {
        pool()->run(parts, body);
    } catch (...) {
        insideParallel = false;
        throw;
    }
    insideParallel = false;
}

} // namespace espalier::runtime
