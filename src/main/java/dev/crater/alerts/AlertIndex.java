package dev.crater.alerts;

import dev.crater.market.Quote;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The active price alerts in memory, indexed so that a quote costs O(log n + fired) whatever the
 * number of alerts: per security, per price field (Ask, Bid, Last) and per operator, one set ordered
 * by level. A {@code GTEQ} alert fires when the price reaches its level from below, so the crossed
 * ones are a prefix of the ascending set ({@code pollFirst} while level ≤ price); an {@code LTEQ}
 * alert fires when the price falls to its level, so the crossed ones are a suffix ({@code pollLast}
 * while level ≥ price). A quote therefore looks at the head and tail of at most six sets, and
 * removes exactly the alerts it fires.
 *
 * <p>Levels are exact: they are kept as {@code long} units of 10^-{@link #PRICE_SCALE} (alert levels
 * have at most eight decimals and are below 10^9; quotes have at most four decimals), so comparing
 * them never involves a {@code double}.
 *
 * <p>Concurrency: each security's sets change only inside {@link ConcurrentHashMap#compute} on its
 * key, so a quote of one security and an API change of the same security are serialised, and two
 * concurrent quotes of one security cannot both take the same alert: an alert leaves the index
 * exactly once. Different securities proceed in parallel. No I/O happens inside; the
 * {@link Watcher} is told when a security gains its first or loses its last alert (called inside
 * the compute, so watch and unwatch of one security never cross).
 *
 * <p>The class knows nothing of the store or the clock, so {@code bench/AlertRate} measures it alone.
 */
public final class AlertIndex {

    /** Decimal places of the {@code long} level units. */
    public static final int PRICE_SCALE = 8;

    /** One active alert as the index holds it. */
    public record Entry(long alertId, long userId, int revision, int securityId, PriceAlert.Field field,
            PriceAlert.Operator operator, long levelUnits, long expiresAtMs) {

        public static Entry of(PriceAlert a) {
            return new Entry(a.id(), a.userId(), a.revision(), a.securityId(), a.field(), a.operator(),
                    units(a.argument()), a.expiresAtMs());
        }

        /** The level as an exact decimal without trailing zeros. */
        public BigDecimal level() {
            return BigDecimal.valueOf(levelUnits, PRICE_SCALE).stripTrailingZeros();
        }
    }

    /** Told which securities have alerts, so that only their quotes are computed and delivered. */
    public interface Watcher {
        Watcher NONE = new Watcher() {
            @Override
            public void watch(int securityId) {
            }

            @Override
            public void unwatch(int securityId) {
            }
        };

        void watch(int securityId);

        void unwatch(int securityId);
    }

    private static final Comparator<Entry> BY_LEVEL = Comparator.comparingLong(Entry::levelUnits)
            .thenComparingLong(Entry::alertId);
    private static final PriceAlert.Field[] FIELDS = PriceAlert.Field.values();

    /** One security's alerts: set [field * 2 + operator], created on first use. Guarded by the map's compute. */
    private static final class Book {
        @SuppressWarnings("unchecked")
        final TreeSet<Entry>[] sets = new TreeSet[FIELDS.length * 2];
        int size;

        private static int slot(PriceAlert.Field field, PriceAlert.Operator operator) {
            return field.ordinal() * 2 + operator.ordinal();
        }

        void add(Entry e) {
            int slot = slot(e.field(), e.operator());
            if (sets[slot] == null) {
                sets[slot] = new TreeSet<>(BY_LEVEL);
            }
            if (sets[slot].add(e)) {
                size++;
            }
        }

        boolean remove(Entry e) {
            TreeSet<Entry> set = sets[slot(e.field(), e.operator())];
            if (set != null && set.remove(e)) {
                size--;
                return true;
            }
            return false;
        }

        /** Moves the alerts {@code quote} crosses into {@code out}. */
        void pop(Quote quote, List<Entry> out, ConcurrentHashMap<Long, Entry> byId) {
            for (PriceAlert.Field field : FIELDS) {
                TreeSet<Entry> up = sets[slot(field, PriceAlert.Operator.GTEQ)];
                TreeSet<Entry> down = sets[slot(field, PriceAlert.Operator.LTEQ)];
                boolean anyUp = up != null && !up.isEmpty();
                boolean anyDown = down != null && !down.isEmpty();
                if (!anyUp && !anyDown) {
                    continue;
                }
                long price = quoteUnits(field.of(quote));
                while (anyUp && !up.isEmpty() && up.first().levelUnits() <= price) {
                    take(up.pollFirst(), out, byId);
                }
                while (anyDown && !down.isEmpty() && down.last().levelUnits() >= price) {
                    take(down.pollLast(), out, byId);
                }
            }
        }

        private void take(Entry e, List<Entry> out, ConcurrentHashMap<Long, Entry> byId) {
            size--;
            byId.remove(e.alertId(), e);
            out.add(e);
        }
    }

    private final ConcurrentHashMap<Integer, Book> books = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Entry> byId = new ConcurrentHashMap<>();
    private final Watcher watcher;

    public AlertIndex(Watcher watcher) {
        this.watcher = watcher;
    }

    /**
     * A level in index units.
     *
     * @throws ArithmeticException for more than {@link #PRICE_SCALE} decimals or a level beyond a long
     */
    public static long units(BigDecimal level) {
        return level.setScale(PRICE_SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    /** A quote price in index units (quotes have at most four decimals; rounding is only a guard). */
    static long quoteUnits(BigDecimal price) {
        return price.setScale(PRICE_SCALE, RoundingMode.HALF_EVEN).unscaledValue().longValueExact();
    }

    /** Adds {@code e}, replacing any entry of the same alert. */
    public void put(Entry e) {
        remove(e.alertId());
        books.compute(e.securityId(), (k, b) -> {
            Book book = b;
            if (book == null) {
                book = new Book();
                watcher.watch(k);
            }
            book.add(e);
            byId.put(e.alertId(), e);
            return book;
        });
    }

    /** Adds {@code e} unless the index has an entry for the alert already (a newer one, say). */
    public boolean putIfAbsent(Entry e) {
        boolean[] added = {false};
        books.compute(e.securityId(), (k, b) -> {
            Book book = b;
            if (book == null) {
                book = new Book();
                watcher.watch(k);
            }
            if (byId.putIfAbsent(e.alertId(), e) == null) {
                book.add(e);
                added[0] = true;
            }
            if (book.size == 0) {
                watcher.unwatch(k);
                return null;
            }
            return book;
        });
        return added[0];
    }

    /** Removes the alert's entry, if any; returns it. */
    public Optional<Entry> remove(long alertId) {
        return removeIf(alertId, e -> true);
    }

    /** Removes the alert's entry when {@code condition} holds for it; returns what was removed. */
    public Optional<Entry> removeIf(long alertId, Predicate<Entry> condition) {
        Entry e = byId.get(alertId);
        if (e == null || !condition.test(e)) {
            return Optional.empty();
        }
        boolean[] removed = {false};
        books.computeIfPresent(e.securityId(), (k, book) -> {
            if (book.remove(e)) {
                byId.remove(alertId, e);
                removed[0] = true;
            }
            if (book.size == 0) {
                watcher.unwatch(k);
                return null;
            }
            return book;
        });
        return removed[0] ? Optional.of(e) : Optional.empty();
    }

    /**
     * Removes and returns (appended to {@code out}) every alert of the quote's security that the
     * quote crosses; each alert is returned by exactly one call.
     *
     * @return how many were appended
     */
    public int crossed(Quote quote, List<Entry> out) {
        int before = out.size();
        books.computeIfPresent(quote.securityId(), (k, book) -> {
            book.pop(quote, out, byId);
            if (book.size == 0) {
                watcher.unwatch(k);
                return null;
            }
            return book;
        });
        return out.size() - before;
    }

    public Optional<Entry> get(long alertId) {
        return Optional.ofNullable(byId.get(alertId));
    }

    /** Number of alerts held. */
    public int size() {
        return byId.size();
    }

    /** The securities that have alerts now. */
    public Set<Integer> securities() {
        return Set.copyOf(books.keySet());
    }

    /** A copy of every entry (for the periodic reconciliation with the store). */
    public List<Entry> entries() {
        return new ArrayList<>(byId.values());
    }
}
