package dev.crater.streaming;

import dev.crater.market.Quote;
import dev.crater.market.QuoteSource;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One market subscription for every quote socket: the market watches a security while some socket
 * is subscribed to it, and each changed quote is offered to those sockets on the ticker thread
 * (an offer only replaces the socket's pending quote of that key: it never blocks). A tick's quotes
 * are gathered per socket and offered at the tick's end, all of a socket's at once (one lock and at
 * most one wake-up of its writer per tick, instead of one per key).
 */
final class QuoteFanout implements AutoCloseable {
    private final QuoteSource market;
    private final Securities securities;
    private final QuoteSource.Subscription subscription;
    private final Map<Integer, Watchers> watchers = new ConcurrentHashMap<>();
    /**
     * The sockets that got quotes this tick, offered at the tick's end; each socket's quotes are staged
     * on it ({@link StreamerSocket#stage}), so there is no map lookup per quote and socket. Guarded by
     * this fanout (the ticker is its only user but for tests that tick themselves); bounded by the
     * open quote sockets.
     */
    private final List<StreamerSocket> staged = new ArrayList<>();

    QuoteFanout(QuoteSource market, Securities securities) {
        this.market = market;
        this.securities = securities;
        this.subscription = market.subscribe(new QuoteSource.Listener() {
            @Override
            public void onQuote(Quote quote) {
                QuoteFanout.this.onQuote(quote);
            }

            @Override
            public void onTickEnd() {
                QuoteFanout.this.onTickEnd();
            }
        });
    }

    Optional<Quote> quote(int securityId) {
        return market.quote(securityId);
    }

    void watch(int securityId, StreamerSocket socket) {
        watchers.compute(securityId, (id, w) -> {
            if (w == null) {
                w = new Watchers();
                subscription.watch(id);
            }
            w.add(socket);
            return w;
        });
    }

    void unwatch(int securityId, StreamerSocket socket) {
        watchers.computeIfPresent(securityId, (id, w) -> {
            w.remove(socket);
            if (w.sockets.isEmpty()) {
                subscription.unwatch(id);
                return null;
            }
            return w;
        });
    }

    /**
     * The sockets watching one security, and an array of them for the ticker: iterating a concurrent
     * set for every quote was a fifth of the ticker's time in bench/streaming.sh. The array is made
     * again at the first quote after a change (versioned: a change while it is being made is never
     * lost, the next quote sees it; a socket that subscribes gets its snapshot anyway).
     */
    private static final class Watchers {
        final Set<StreamerSocket> sockets = ConcurrentHashMap.newKeySet();
        private volatile int version;
        /** Under the fanout's lock (the ticker, or a test that ticks beside it). */
        private StreamerSocket[] array = new StreamerSocket[0];
        private int arrayVersion = -1;

        void add(StreamerSocket s) {
            sockets.add(s);
            version++;   // under the map's compute for this key: one writer at a time
        }

        void remove(StreamerSocket s) {
            sockets.remove(s);
            version++;
        }

        StreamerSocket[] array() {
            int v = version;
            if (v != arrayVersion) {
                array = sockets.toArray(new StreamerSocket[0]);
                arrayVersion = v;
            }
            return array;
        }
    }

    /** A quote's shared renderings (its security's exchange looked up once). */
    QuoteFrame frame(Quote q) {
        return new QuoteFrame(q, securities.snapshot().byId(q.securityId()).map(Security::exchange).orElse(""));
    }

    private void onQuote(Quote q) {
        Watchers w = watchers.get(q.securityId());
        if (w != null && !w.sockets.isEmpty()) {
            QuoteFrame f = frame(q);
            synchronized (this) {
                for (StreamerSocket s : w.array()) {
                    if (s.stage(f)) {
                        staged.add(s);
                    }
                }
            }
        }
    }

    /** Offers each socket its staged quotes (under this fanout's lock: a test may tick beside the ticker). */
    private synchronized void onTickEnd() {
        for (StreamerSocket s : staged) {
            s.offerStaged();
        }
        staged.clear();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
