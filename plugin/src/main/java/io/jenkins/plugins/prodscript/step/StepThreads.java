package io.jenkins.plugins.prodscript.step;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads {@code runScript} works on. Planning, rehearsing and running talk to agents and databases and may take
 * long; none of it may happen on the Pipeline's CPS thread, and waiting for approvals holds no thread at all.
 */
final class StepThreads {
    private static final AtomicInteger COUNT = new AtomicInteger();
    static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "runScript #" + COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private StepThreads() {
    }
}
