package dev.crater.streaming;

import dev.crater.market.Quote;
import dev.crater.market.QuoteSource;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One market subscription for every quote socket: the market watches a security while some socket
 * is subscribed to it, and each changed quote is offered to those sockets on the ticker thread
 * (an offer only replaces the socket's pending quote of that key: it never blocks).
 */
final class QuoteFanout implements AutoCloseable {
    private final QuoteSource market;
    private final Securities securities;
    private final QuoteSource.Subscription subscription;
    private final Map<Integer, Set<StreamerSocket>> watchers = new ConcurrentHashMap<>();

    QuoteFanout(QuoteSource market, Securities securities) {
        this.market = market;
        this.securities = securities;
        this.subscription = market.subscribe(this::onQuote);
    }

    Optional<Quote> quote(int securityId) {
        return market.quote(securityId);
    }

    void watch(int securityId, StreamerSocket socket) {
        watchers.compute(securityId, (id, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                subscription.watch(id);
            }
            set.add(socket);
            return set;
        });
    }

    void unwatch(int securityId, StreamerSocket socket) {
        watchers.computeIfPresent(securityId, (id, set) -> {
            set.remove(socket);
            if (set.isEmpty()) {
                subscription.unwatch(id);
                return null;
            }
            return set;
        });
    }

    /** A quote's shared renderings (its security's exchange looked up once). */
    QuoteFrame frame(Quote q) {
        return new QuoteFrame(q, securities.snapshot().byId(q.securityId()).map(Security::exchange).orElse(""));
    }

    private void onQuote(Quote q) {
        Set<StreamerSocket> sockets = watchers.get(q.securityId());
        if (sockets != null && !sockets.isEmpty()) {
            QuoteFrame f = frame(q);
            for (StreamerSocket s : sockets) {
                s.offer(f);
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
