package io.prodscript.cli.bench;

/**
 * Samples the JVM's used heap every few milliseconds while something runs, and reports the peak above the level
 * measured right before (after a garbage collection). Rows pulled into the JVM would show as a peak that grows with
 * the number of rows; an engine that leaves rows in the database keeps it flat.
 */
final class HeapSampler implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 2;

    private final long baseline;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peak;

    private HeapSampler() {
        System.gc();
        baseline = used();
        peak = baseline;
        thread = new Thread(this::sample, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    static HeapSampler start() {
        return new HeapSampler();
    }

    private void sample() {
        while (running) {
            peak = Math.max(peak, used());
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The highest used heap seen, above the baseline, in bytes. */
    long peakAboveBaseline() {
        return peak - baseline;
    }

    private static long used() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        peak = Math.max(peak, used());
    }
}
