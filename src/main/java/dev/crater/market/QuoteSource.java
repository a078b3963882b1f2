package dev.crater.market;

import java.util.Optional;

/**
 * The one way the rest of the server reads the market: the current quote of a security, and a
 * subscription that delivers the quotes of watched securities each time they change. The simulator
 * and the replay mode both sit behind it; the order engine, price alerts and streaming use it.
 */
public interface QuoteSource {

    /** The quote now (market time), or empty for an unknown security. */
    Optional<Quote> quote(int securityId);

    /** Starts delivering quotes to {@code listener} for the securities it watches. */
    Subscription subscribe(Listener listener);

    /** Receives quotes on the market's ticker thread: must be quick and must not block. */
    @FunctionalInterface
    interface Listener {
        void onQuote(Quote quote);

        /**
         * After the last quote of one tick (called every tick, changed quotes or not): a listener that
         * gathers a tick's quotes delivers them here.
         */
        default void onTickEnd() {
        }
    }

    /** Which securities a listener hears about; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        void watch(int securityId);

        void unwatch(int securityId);

        @Override
        void close();
    }
}
