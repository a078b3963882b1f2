package dev.crater.orders;

import dev.crater.metrics.Histogram;
import java.util.function.IntSupplier;

/**
 * One trading shard's figures for the metrics: how long its rounds take (apply, group commit,
 * answers, publication), how many commands each round drained, and its inbox's depth now. The
 * shard records a round with one call; the metrics read these when scraped.
 */
public final class ShardStats {
    /** Round time bounds, in seconds: 0.1 ms to 5 s. */
    static final double[] ROUND_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 5};
    /** Batch size bounds, in commands (a round drains at most {@code TradingShard.BATCH_MAX}). */
    static final double[] BATCH_COMMANDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final IntSupplier inbox;
    private final Histogram.Series roundSeconds = new Histogram.Series(ROUND_SECONDS);
    private final Histogram.Series batchCommands = new Histogram.Series(BATCH_COMMANDS);

    ShardStats(IntSupplier inboxDepth) {
        this.inbox = inboxDepth;
    }

    /** A round of {@code commands} that took {@code nanos}. */
    void round(int commands, long nanos) {
        roundSeconds.observe(nanos / 1e9);
        batchCommands.observe(commands);
    }

    public Histogram.Series roundSeconds() {
        return roundSeconds;
    }

    public Histogram.Series batchCommands() {
        return batchCommands;
    }

    /** Work waiting in the shard's inbox now. */
    public int inboxDepth() {
        return inbox.getAsInt();
    }
}
