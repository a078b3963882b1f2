package dev.crater.securities;

import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.store.Filter;
import dev.crater.store.FilterEval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The part of the option universe a filter can match, found the way an index would find it: the
 * listed contracts are generated, not stored, so the only "indexes" are the structure of their ids.
 * A filter's top-level {@code and} terms {@code Id = / in}, {@code Symbol = / in} (OSI symbols),
 * {@code SeriesId = / in} and {@code UnderlyingAssetSymbol = / in} each pin the matches to a set of
 * contracts or series; the smallest such set is the scope, and only it is scanned (the whole filter
 * is still tested on each contract). A filter with none of those terms has no scope
 * ({@link #of} answers null): it would have to test all ~1.5 million contracts.
 */
final class OptionScope {

    /** One series: an underlying and an expiration week. */
    private record Series(Security underlying, int week) {
    }

    private final List<Series> series;
    private final List<OptionContract> contracts;
    private final long size;
    private final OptionChains options;

    private OptionScope(OptionChains options, List<Series> series, List<OptionContract> contracts) {
        this.options = options;
        this.series = series;
        this.contracts = contracts;
        long n = contracts.size();
        for (Series s : series) {
            n += 2L * options.grid(s.underlying(), s.week()).count();
        }
        this.size = n;
    }

    /** The smallest scope {@code filter} names, or null when it names none. */
    static OptionScope of(Filter filter, OptionChains options, Securities.Snapshot snap) {
        List<OptionScope> candidates = new ArrayList<>();
        Optional<Set<Object>> ids = FilterEval.equalityHint(filter, "Id", SecurityRoutes.OPTION_FIELDS);
        if (ids.isPresent()) {
            List<OptionContract> cs = new ArrayList<>();
            for (Object id : ids.get()) {
                options.byId((Long) id).filter(c -> listed(options, c)).ifPresent(cs::add);
            }
            candidates.add(new OptionScope(options, List.of(), cs));
        }
        Optional<Set<Object>> symbols = FilterEval.equalityHint(filter, "Symbol", SecurityRoutes.OPTION_FIELDS);
        if (symbols.isPresent()) {
            List<OptionContract> cs = new ArrayList<>();
            for (Object s : symbols.get()) {
                options.bySymbol(s.toString()).filter(c -> listed(options, c)).ifPresent(cs::add);
            }
            candidates.add(new OptionScope(options, List.of(), cs));
        }
        Optional<Set<Object>> seriesIds = FilterEval.equalityHint(filter, "SeriesId", SecurityRoutes.OPTION_FIELDS);
        if (seriesIds.isPresent()) {
            List<Series> ss = new ArrayList<>();
            for (Object o : seriesIds.get()) {
                long sid = (Long) o;
                if (sid < 0 || sid / 1024 > Integer.MAX_VALUE) {
                    continue;
                }
                int week = (int) (sid % 1024);
                snap.byId((int) (sid / 1024)).filter(u -> options.expirations(u).contains(week))
                        .ifPresent(u -> ss.add(new Series(u, week)));
            }
            candidates.add(new OptionScope(options, ss, List.of()));
        }
        Optional<Set<Object>> underlyings = FilterEval.equalityHint(filter, "UnderlyingAssetSymbol",
                SecurityRoutes.OPTION_FIELDS);
        if (underlyings.isPresent()) {
            List<Series> ss = new ArrayList<>();
            for (Object o : underlyings.get()) {
                snap.bySymbol(o.toString()).ifPresent(u -> options.expirations(u).forEach(w -> ss.add(new Series(u, w))));
            }
            candidates.add(new OptionScope(options, ss, List.of()));
        }
        return candidates.stream().min(Comparator.comparingLong(OptionScope::size)).orElse(null);
    }

    private static boolean listed(OptionChains options, OptionContract c) {
        return options.expirations(c.underlying()).contains(c.seriesId() - c.underlying().id() * 1024);
    }

    /** Contracts in the scope. */
    long size() {
        return size;
    }

    /** Every contract of the scope, in id order. */
    void forEach(Consumer<OptionContract> sink) {
        if (!contracts.isEmpty()) {
            TreeSet<OptionContract> sorted = new TreeSet<>(Comparator.comparingInt(OptionContract::id));
            sorted.addAll(contracts);
            sorted.forEach(sink);
            return;
        }
        series.stream().distinct()
                .sorted(Comparator.comparingInt((Series s) -> s.underlying().id()).thenComparingInt(Series::week))
                .forEach(s -> options.series(s.underlying(), s.week()).forEach(sink));
    }
}
