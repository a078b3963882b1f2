package dev.crater.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: for what a test waits on that has no event to wait for. */
public final class Eventually {
    /** How long {@link #eventually} waits between two looks at the condition. */
    static final long POLL_MS = 50;

    private Eventually() {
    }

    /** Polls {@code condition} until it holds; fails, naming {@code what}, when {@code within} has passed first. */
    public static void eventually(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + within);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
