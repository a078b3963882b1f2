package dev.crater.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.alerts.AlertIndex.Entry;
import dev.crater.alerts.PriceAlert.Field;
import dev.crater.alerts.PriceAlert.Operator;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the in-memory alert index fires exactly the crossed alerts, each exactly once, inclusive
 * at the level (≥ and ≤), per price field and operator, and tells its watcher when a security
 * gains its first or loses its last alert.
 *
 * <p>Method: quotes built by hand against hand-placed levels; a concurrency round where many
 * threads deliver the same crossing quote at once and every alert must come out once in total.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertIndexTest {

    static Quote quote(int securityId, String bid, String ask, String last) {
        return new Quote(securityId, "S" + securityId, 0, new BigDecimal(bid), 100, new BigDecimal(ask), 100,
                new BigDecimal(last), 0, null, new BigDecimal(last), new BigDecimal(last), new BigDecimal(last),
                Session.REGULAR, false);
    }

    static Entry entry(long id, int securityId, Field field, Operator op, String level) {
        return new Entry(id, 1, 1, securityId, field, op, AlertIndex.units(new BigDecimal(level)), 0);
    }

    record Watching(List<String> calls) implements AlertIndex.Watcher {
        @Override
        public void watch(int securityId) {
            calls.add("watch " + securityId);
        }

        @Override
        public void unwatch(int securityId) {
            calls.add("unwatch " + securityId);
        }
    }

    static List<Long> ids(List<Entry> entries) {
        return entries.stream().map(Entry::alertId).sorted().toList();
    }

    @Test
    void firesExactlyTheCrossedAlertsInclusiveAtTheLevel() {
        AlertIndex index = new AlertIndex(AlertIndex.Watcher.NONE);
        index.put(entry(1, 7, Field.Last, Operator.GTEQ, "101"));
        index.put(entry(2, 7, Field.Last, Operator.GTEQ, "102.5"));
        index.put(entry(3, 7, Field.Last, Operator.GTEQ, "102.50000001"));
        index.put(entry(4, 7, Field.Last, Operator.LTEQ, "99"));
        index.put(entry(5, 7, Field.Bid, Operator.LTEQ, "98"));
        index.put(entry(6, 7, Field.Ask, Operator.GTEQ, "103"));
        index.put(entry(7, 8, Field.Last, Operator.GTEQ, "1"));
        List<Entry> out = new ArrayList<>();

        assertThat(index.crossed(quote(7, "99.99", "100.01", "100"), out)).isZero();
        assertThat(index.crossed(quote(7, "102.49", "102.51", "102.50"), out)).isEqualTo(2);
        assertThat(ids(out)).containsExactly(1L, 2L);
        out.clear();
        // Same quote again: nothing left to fire at this level.
        assertThat(index.crossed(quote(7, "102.49", "102.51", "102.50"), out)).isZero();
        assertThat(index.crossed(quote(7, "102.99", "103.00", "102.99"), out)).isEqualTo(2);
        assertThat(ids(out)).containsExactly(3L, 6L);
        out.clear();
        assertThat(index.crossed(quote(7, "98.00", "98.02", "98.01"), out)).isEqualTo(2);
        assertThat(ids(out)).containsExactly(4L, 5L);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.securities()).containsExactly(8);
    }

    @Test
    void watchesASecurityWhileItHasAlerts() {
        List<String> calls = new ArrayList<>();
        AlertIndex index = new AlertIndex(new Watching(calls));
        index.put(entry(1, 5, Field.Last, Operator.GTEQ, "10"));
        index.put(entry(2, 5, Field.Last, Operator.LTEQ, "5"));
        index.put(entry(3, 6, Field.Bid, Operator.GTEQ, "10"));
        assertThat(calls).containsExactly("watch 5", "watch 6");
        assertThat(index.remove(3)).isPresent();
        assertThat(index.remove(3)).isEmpty();
        assertThat(calls).containsExactly("watch 5", "watch 6", "unwatch 6");
        index.crossed(quote(5, "11", "11.02", "11.01"), new ArrayList<>());
        assertThat(calls).hasSize(3);
        index.crossed(quote(5, "4", "4.02", "4.01"), new ArrayList<>());
        assertThat(calls).containsExactly("watch 5", "watch 6", "unwatch 6", "unwatch 5");
        assertThat(index.size()).isZero();
    }

    @Test
    void putReplacesAnAlertEvenAcrossSecuritiesAndPutIfAbsentDoesNot() {
        AlertIndex index = new AlertIndex(AlertIndex.Watcher.NONE);
        index.put(entry(1, 5, Field.Last, Operator.GTEQ, "10"));
        index.put(new Entry(1, 1, 2, 6, Field.Last, Operator.GTEQ, AlertIndex.units(new BigDecimal("20")), 0));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.securities()).containsExactly(6);
        assertThat(index.putIfAbsent(entry(1, 5, Field.Last, Operator.GTEQ, "10"))).isFalse();
        assertThat(index.securities()).containsExactly(6);
        assertThat(index.get(1).orElseThrow().revision()).isEqualTo(2);
        assertThat(index.removeIf(1, e -> e.revision() == 1)).isEmpty();
        assertThat(index.removeIf(1, e -> e.revision() == 2)).isPresent();
        assertThat(index.putIfAbsent(entry(1, 5, Field.Last, Operator.GTEQ, "10"))).isTrue();
    }

    @Test
    void levelsAreExactToEightDecimalsAndNoMore() {
        assertThat(AlertIndex.units(new BigDecimal("0.00000001"))).isEqualTo(1);
        assertThat(AlertIndex.units(new BigDecimal("1000000000"))).isEqualTo(100_000_000_000_000_000L);
        assertThatThrownBy(() -> AlertIndex.units(new BigDecimal("0.000000001"))).isInstanceOf(ArithmeticException.class);
        Entry e = entry(1, 1, Field.Last, Operator.GTEQ, "205.10");
        assertThat(e.level().toPlainString()).isEqualTo("205.1");
    }

    @Test
    void concurrentQuotesTakeEachAlertOnce() throws Exception {
        int threads = 8;
        int rounds = 200;
        Map<Integer, AtomicInteger> watched = new ConcurrentHashMap<>();
        AlertIndex index = new AlertIndex(new AlertIndex.Watcher() {
            @Override
            public void watch(int securityId) {
                watched.computeIfAbsent(securityId, k -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void unwatch(int securityId) {
                watched.get(securityId).decrementAndGet();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                int perRound = 50;
                for (int i = 0; i < perRound; i++) {
                    long id = (long) round * perRound + i;
                    index.put(entry(id, 3, Field.Last, i % 2 == 0 ? Operator.GTEQ : Operator.LTEQ,
                            i % 2 == 0 ? "100" : "200"));
                }
                List<Entry> fired = new CopyOnWriteArrayList<>();
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        List<Entry> mine = new ArrayList<>();
                        index.crossed(quote(3, "150", "150.02", "150.01"), mine);
                        fired.addAll(mine);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                assertThat(fired).hasSize(perRound);
                assertThat(fired.stream().map(Entry::alertId).distinct().count()).isEqualTo(perRound);
                assertThat(index.size()).isZero();
                assertThat(watched.get(3).get()).as("watch and unwatch balance").isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
