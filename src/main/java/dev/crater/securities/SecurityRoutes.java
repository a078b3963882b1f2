package dev.crater.securities;

import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.http.PathIds;
import dev.crater.market.Market;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.store.Filter;
import dev.crater.store.FilterEval;
import dev.crater.store.FilterException;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Securities endpoints (reference 06-securities.md): equities by id, symbol and mask, the paged and
 * filtered equities list, logos; options by id and OSI symbol, expirations, chains and the paged
 * list; and the older {@code /securities} routes. Literal segments ({@code lookup},
 * {@code expirations}, {@code optionChain}) are registered before the {@code {symbol}} templates.
 */
public final class SecurityRoutes implements HttpService {

    /** Named limits. */
    public static final int PAGE_SIZE_MAX = 1000;
    public static final int LOOKUP_COUNT_MAX = 1000;
    public static final int MASK_CHARS_MAX = 100;
    public static final int SYMBOL_CHARS_MAX = 64;

    static final List<FilterEval.Field<Security>> EQUITY_FIELDS = List.of(
            new FilterEval.Field<>("Id", FilterSql.Type.INTEGER, Security::id),
            new FilterEval.Field<>("Symbol", FilterSql.Type.TEXT, Security::symbol),
            new FilterEval.Field<>("Description", FilterSql.Type.TEXT, Security::description),
            new FilterEval.Field<>("Exchange", FilterSql.Type.TEXT, Security::exchange),
            new FilterEval.Field<>("Currency", FilterSql.Type.TEXT, Security::currency),
            new FilterEval.Field<>("Type", FilterSql.Type.ENUM, Security::type, enumNames(SecurityType.values())),
            new FilterEval.Field<>("AddedDate", FilterSql.Type.DATETIME_MS, Security::addedAtMs),
            new FilterEval.Field<>("ModifyDate", FilterSql.Type.DATETIME_MS, Security::modifiedAtMs),
            new FilterEval.Field<>("Precision", FilterSql.Type.INTEGER, Security::precision),
            new FilterEval.Field<>("VolumePrecision", FilterSql.Type.INTEGER, Security::volumePrecision),
            new FilterEval.Field<>("TickSize", FilterSql.Type.DECIMAL, Security::tickSize),
            new FilterEval.Field<>("Enabled", FilterSql.Type.BOOLEAN, Security::enabled),
            new FilterEval.Field<>("AllowTrade", FilterSql.Type.BOOLEAN, Security::allowTrade),
            new FilterEval.Field<>("AllowMargin", FilterSql.Type.BOOLEAN, Security::allowMargin),
            new FilterEval.Field<>("AllowShort", FilterSql.Type.BOOLEAN, Security::allowShort));

    static final List<FilterEval.Field<OptionResource>> OPTION_FIELDS = List.of(
            new FilterEval.Field<>("Id", FilterSql.Type.INTEGER, OptionResource::id),
            new FilterEval.Field<>("Symbol", FilterSql.Type.TEXT, OptionResource::symbol),
            new FilterEval.Field<>("Description", FilterSql.Type.TEXT, OptionResource::description),
            new FilterEval.Field<>("Exchange", FilterSql.Type.TEXT, OptionResource::exchange),
            new FilterEval.Field<>("Currency", FilterSql.Type.TEXT, OptionResource::currency),
            new FilterEval.Field<>("Type", FilterSql.Type.ENUM, OptionResource::type, enumNames(SecurityType.values())),
            new FilterEval.Field<>("AddedDate", FilterSql.Type.DATETIME_MS, o -> java.time.Instant.parse(o.addedDate())),
            new FilterEval.Field<>("ModifyDate", FilterSql.Type.DATETIME_MS, o -> java.time.Instant.parse(o.modifyDate())),
            new FilterEval.Field<>("Enabled", FilterSql.Type.BOOLEAN, OptionResource::enabled),
            new FilterEval.Field<>("AllowTrade", FilterSql.Type.BOOLEAN, OptionResource::allowTrade),
            new FilterEval.Field<>("AllowMargin", FilterSql.Type.BOOLEAN, OptionResource::allowMargin),
            new FilterEval.Field<>("AllowShort", FilterSql.Type.BOOLEAN, OptionResource::allowShort),
            new FilterEval.Field<>("OptionType", FilterSql.Type.ENUM, OptionResource::optionType,
                    enumNames(OptionContract.Right.values())),
            new FilterEval.Field<>("ExpirationType", FilterSql.Type.ENUM, OptionResource::expirationType,
                    enumNames(OptionContract.ExpirationType.values())),
            new FilterEval.Field<>("ExpirationDate", FilterSql.Type.DATETIME_MS,
                    o -> java.time.Instant.parse(o.expirationDate())),
            new FilterEval.Field<>("StrikePrice", FilterSql.Type.DECIMAL, OptionResource::strikePrice),
            new FilterEval.Field<>("SeriesId", FilterSql.Type.INTEGER, OptionResource::seriesId),
            new FilterEval.Field<>("UnderlyingAssetSymbol", FilterSql.Type.TEXT, OptionResource::underlyingAssetSymbol));

    static Map<Integer, String> enumNames(Enum<?>[] values) {
        Map<Integer, String> m = new HashMap<>();
        for (Enum<?> v : values) {
            m.put(v.ordinal(), v.name());
        }
        return m;
    }

    private final Securities securities;
    private final OptionChains options;
    private final Market market;
    private final Logos logos = new Logos();
    private final HeavyQueries heavy;
    private final CurrencyRates rates;

    public SecurityRoutes(Securities securities, OptionChains options, Market market, HeavyQueries heavy) {
        this.heavy = heavy;
        this.rates = new CurrencyRates(securities, market);
        this.securities = securities;
        this.options = options;
        this.market = market;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/equities/lookup[/]", this::lookup)
                .get("/equities[/]", this::equities)
                .get("/equities/{symbol}/logo[/]", this::logo)
                .get("/equities/{idOrSymbol}[/]", this::equity)
                .get("/options/expirations[/]", this::expirations)
                .get("/options/optionChain/{symbol}[/]", this::chain)
                .get("/options[/]", this::optionList)
                .get("/options/{idOrSymbol}[/]", this::option)
                .get("/securities[/]", this::securitiesByMask)
                .get("/securities/{securityId}[/]", this::securityById)
                .get("/currencyRate[/]", this::currencyRate);
    }

    // ---- equities ------------------------------------------------------------------------------

    private static Optional<Integer> asId(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        long v = Long.parseLong(text);
        return v > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) v);
    }

    private static String segment(ServerRequest req, String name) {
        String v = req.path().pathParameters().get(name).trim();
        if (v.length() > SYMBOL_CHARS_MAX) {
            throw new ApiException(404, new ApiError.Message("No security matches '" + v.substring(0, 20) + "…'."));
        }
        return v;
    }

    private Security findEquity(ServerRequest req, String idOrSymbol) {
        Securities.Snapshot snap = securities.snapshot();
        Optional<Security> found = asId(idOrSymbol).flatMap(snap::byId).or(() -> snap.bySymbol(idOrSymbol));
        Optional<String> currency = HttpSupport.query(req, "currency");
        Optional<String> exchange = HttpSupport.query(req, "exchange");
        found = found.filter(s -> currency.map(c -> c.equalsIgnoreCase(s.currency())).orElse(true)
                && exchange.map(x -> x.equalsIgnoreCase(s.exchange())).orElse(true));
        return found.orElseThrow(() -> new ApiException(404,
                new ApiError.Message("No security matches '" + idOrSymbol + "'.")));
    }

    private void equity(ServerRequest req, ServerResponse res) {
        String key = segment(req, "idOrSymbol");
        if (asId(key).flatMap(options::byId).isPresent()) {
            throw new ApiException(409, new ApiError.Message("Security " + key + " is an option: use /options/" + key + "."));
        }
        HttpSupport.json(res, 200, EquityResource.of(findEquity(req, key)));
    }

    private void lookup(ServerRequest req, ServerResponse res) {
        String mask = Paging.required(req, "mask");
        int count = Paging.integer("count", Paging.required(req, "count"), 0, LOOKUP_COUNT_MAX);
        if (mask.length() > MASK_CHARS_MAX) {
            throw ApiException.modelState("mask", "The mask is longer than " + MASK_CHARS_MAX + " characters.");
        }
        Predicate<Security> filter = equityFilter(Paging.filter(req));
        HttpSupport.json(res, 200, byMask(mask, count, filter).stream().map(EquityResource::of).toList());
    }

    /** Matches of a mask in symbol, exchange or description; best first: exact, prefix, contained. */
    private List<Security> byMask(String mask, int count, Predicate<Security> filter) {
        String m = mask.toUpperCase(Locale.ROOT);
        List<Security> all = securities.snapshot().all();
        List<List<Security>> ranks = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        for (Security s : all) {
            String sym = s.symbol().toUpperCase(Locale.ROOT);
            int rank;
            if (sym.equals(m)) {
                rank = 0;
            } else if (sym.startsWith(m)) {
                rank = 1;
            } else if (sym.contains(m)) {
                rank = 2;
            } else if (s.description().toUpperCase(Locale.ROOT).contains(m)) {
                rank = 3;
            } else if (s.exchange().toUpperCase(Locale.ROOT).contains(m)) {
                rank = 4;
            } else {
                continue;
            }
            if (filter.test(s)) {
                ranks.get(rank).add(s);
            }
        }
        List<Security> out = new ArrayList<>();
        for (List<Security> r : ranks) {
            r.sort(Comparator.comparing(Security::symbol));
            for (Security s : r) {
                if (out.size() >= count) {
                    return out;
                }
                out.add(s);
            }
        }
        return out;
    }

    private static Predicate<Security> equityFilter(Optional<Filter> filter) {
        if (filter.isEmpty()) {
            return s -> true;
        }
        try {
            return FilterEval.compile(filter.get(), EQUITY_FIELDS);
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
    }

    private static <T> Comparator<T> sort(String field, boolean desc, List<FilterEval.Field<T>> fields) {
        Comparator<T> c;
        try {
            c = FilterEval.comparator(field, fields);
        } catch (FilterException e) {
            throw ApiException.modelState("sortField", e.getMessage());
        }
        return desc ? c.reversed() : c;
    }

    private void equities(ServerRequest req, ServerResponse res) {
        Paging paging = Paging.read(req, Paging.Names.LISTS, PAGE_SIZE_MAX);
        Predicate<Security> filter = equityFilter(paging.filter());
        Comparator<Security> order = sort(paging.sortField(), paging.desc(), EQUITY_FIELDS);
        List<Security> matches = new ArrayList<>();
        for (Security s : securities.snapshot().all()) {
            if (filter.test(s)) {
                matches.add(s);
            }
        }
        matches.sort(order.thenComparingInt(Security::id));
        Paging.Result<Security> page = paging.page(matches, req);
        HttpSupport.json(res, 200, new Paging.Result<>(page.result().stream().map(EquityResource::of).toList(),
                page.nextPageLink(), page.previousPageLink(), page.totalCount()));
    }

    private void logo(ServerRequest req, ServerResponse res) {
        Security s = findEquity(req, segment(req, "symbol"));
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "image/png");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=86400");
        res.send(logos.png(s.symbol()));
    }

    // ---- options -------------------------------------------------------------------------------

    private OptionContract findOption(String key) {
        Optional<OptionContract> c = asId(key).flatMap(id -> options.byId(id));
        if (c.isEmpty()) {
            c = options.bySymbol(key);
        }
        if (c.isPresent()) {
            return c.get();
        }
        Securities.Snapshot snap = securities.snapshot();
        if (asId(key).flatMap(snap::byId).or(() -> snap.bySymbol(key)).isPresent()) {
            throw new ApiException(409, new ApiError.Message(
                    "'" + key + "' is an underlying security, not an option: use an option's id or OSI symbol."));
        }
        throw new ApiException(404, new ApiError.Message("No option matches '" + key + "'."));
    }

    private void option(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, OptionResource.of(findOption(segment(req, "idOrSymbol"))));
    }

    private Security underlying(ServerRequest req, String symbol) {
        Security u = findEquity(req, symbol);
        if (options.expirations(u).isEmpty()) {
            throw new ApiException(404, new ApiError.Message("'" + u.symbol() + "' has no listed options."));
        }
        return u;
    }

    /**
     * {@code OptionExpirationResource}. {@code SeriesType} is {@code Undefined}: the docs' enum (Standard,
     * NonStandard, Binary, Flex, Undefined) and the spec's (Regular, Quarterly, Weekly, Flex, Undefined, Mini,
     * NonStandard) share no name for a standard series, and a client generated from either must read it.
     */
    public static final String SERIES_TYPE = "Undefined";

    /** {@code OptionExpirationResource}. */
    public record Expiration(int seriesId, String seriesType, String expirationDate,
            OptionContract.ExpirationType expirationType) {
    }

    private void expirations(ServerRequest req, ServerResponse res) {
        Security u = underlying(req, Paging.required(req, "underlying"));
        List<Expiration> out = new ArrayList<>();
        for (int week : options.expirations(u)) {
            out.add(new Expiration(u.id() * 1024 + week, SERIES_TYPE,
                    OptionResource.midnight(options.expirationDate(week)), options.expirationType(week)));
        }
        HttpSupport.json(res, 200, out);
    }

    /** One expiration of a chain. */
    public record ChainExpiration(String expiration, BigDecimal centralStrike, List<OptionResource> options) {
    }

    /** The chain answer. */
    public record Chain(List<ChainExpiration> expirations) {
    }

    private void chain(ServerRequest req, ServerResponse res) {
        Security u = underlying(req, segment(req, "symbol"));
        ChainFilter f = ChainFilter.of(Paging.filter(req));
        BigDecimal price = market.quoteAt(u, market.nowMs()).last();
        List<ChainExpiration> out = new ArrayList<>();
        for (int week : options.expirations(u)) {
            LocalDate exp = options.expirationDate(week);
            if (f.expiration != null && !f.expiration.equals(exp)) {
                continue;
            }
            if (f.expirationType != null && f.expirationType != options.expirationType(week)) {
                continue;
            }
            List<OptionContract> series = options.series(u, week);
            List<BigDecimal> strikes = series.stream().map(OptionContract::strike).distinct().toList();
            BigDecimal central = strikes.stream()
                    .min(Comparator.comparing((BigDecimal k) -> k.subtract(price).abs()).thenComparing(k -> k))
                    .orElse(BigDecimal.ZERO);
            Set<BigDecimal> kept = new java.util.HashSet<>(strikes);
            if (f.range != null && f.range == 0) {
                kept.clear();
                kept.add(central);
            } else if (f.range != null) {
                List<BigDecimal> below = strikes.stream().filter(k -> k.compareTo(price) < 0).toList();
                List<BigDecimal> above = strikes.stream().filter(k -> k.compareTo(price) >= 0).toList();
                kept.clear();
                kept.addAll(below.subList(Math.max(0, below.size() - f.range), below.size()));
                kept.addAll(above.subList(0, Math.min(f.range, above.size())));
            }
            List<OptionResource> contracts = series.stream().filter(c -> kept.contains(c.strike()))
                    .map(OptionResource::of).toList();
            out.add(new ChainExpiration(OptionResource.midnight(exp), central, contracts));
        }
        HttpSupport.json(res, 200, new Chain(out));
    }

    /** The option-chain filter terms: {@code Expiration = #…#}, {@code Range = n}, {@code ExpirationType = n}. */
    record ChainFilter(LocalDate expiration, Integer range, OptionContract.ExpirationType expirationType) {
        static final int RANGE_MAX = 200;

        static ChainFilter of(Optional<Filter> filter) {
            LocalDate[] exp = {null};
            Integer[] range = {null};
            OptionContract.ExpirationType[] type = {null};
            filter.ifPresent(f -> collect(f, exp, range, type));
            return new ChainFilter(exp[0], range[0], type[0]);
        }

        private static void collect(Filter f, LocalDate[] exp, Integer[] range, OptionContract.ExpirationType[] type) {
            if (f instanceof Filter.And and) {
                and.parts().forEach(p -> collect(p, exp, range, type));
                return;
            }
            if (!(f instanceof Filter.Compare c) || c.op() != Filter.Op.EQ) {
                throw Paging.invalidFilter(new FilterException(
                        "an option-chain filter is terms 'Expiration = #date#', 'Range = n' and 'ExpirationType = n' joined by 'and'",
                        f.position()));
            }
            switch (c.field().toLowerCase(Locale.ROOT)) {
                case "expiration", "expirationdate" -> {
                    if (!(c.value() instanceof Filter.Literal.DateTime d)) {
                        throw Paging.invalidFilter(new FilterException("Expiration takes a #date-time#", c.value().position()));
                    }
                    exp[0] = d.value().atZone(ZoneOffset.UTC).toLocalDate();
                }
                case "range" -> {
                    if (!(c.value() instanceof Filter.Literal.Number n) || n.value().stripTrailingZeros().scale() > 0
                            || n.value().signum() < 0 || n.value().compareTo(BigDecimal.valueOf(RANGE_MAX)) > 0) {
                        throw Paging.invalidFilter(new FilterException("Range takes a whole number from 0 to "
                                + RANGE_MAX, c.value().position()));
                    }
                    range[0] = n.value().intValue();
                }
                case "expirationtype" -> {
                    OptionContract.ExpirationType t = null;
                    if (c.value() instanceof Filter.Literal.Number n && n.value().signum() >= 0
                            && n.value().stripTrailingZeros().scale() <= 0
                            && n.value().compareTo(BigDecimal.valueOf(6)) <= 0) {
                        t = OptionContract.ExpirationType.values()[n.value().intValue()];
                    } else if (c.value() instanceof Filter.Literal.Text s) {
                        for (OptionContract.ExpirationType e : OptionContract.ExpirationType.values()) {
                            if (e.name().equalsIgnoreCase(s.value())) {
                                t = e;
                            }
                        }
                    }
                    if (t == null) {
                        throw Paging.invalidFilter(new FilterException(
                                "ExpirationType takes 0-6 or a name (Regular, Quarterly, Weekly, …)", c.value().position()));
                    }
                    type[0] = t;
                }
                default -> throw Paging.invalidFilter(new FilterException(
                        "'" + c.field() + "' cannot be used here; terms: Expiration, Range, ExpirationType", c.position()));
            }
        }
    }

    private void optionList(ServerRequest req, ServerResponse res) {
        Paging paging = Paging.read(req, Paging.Names.LISTS, PAGE_SIZE_MAX);
        Comparator<OptionResource> order = sort(paging.sortField(), paging.desc(), OPTION_FIELDS);
        boolean byId = paging.sortField().equalsIgnoreCase("Id");
        if (paging.filter().isEmpty()) {
            if (!byId) {
                throw ApiException.modelState("sortField", "Sorting all " + options.listedCount()
                        + " listed options by " + paging.sortField() + " needs a filter that names their scope"
                        + " (e.g. UnderlyingAssetSymbol = 'AAPL'); or sort by Id.");
            }
            // The whole listing in id order: count by arithmetic, build only the page.
            long total = options.listedCount();
            List<OptionResource> rows = options.listedPage((long) paging.pageNumber() * paging.pageSize(),
                    paging.pageSize(), paging.desc()).stream().map(OptionResource::of).toList();
            HttpSupport.json(res, 200, paging.result(rows, (int) Math.min(Integer.MAX_VALUE, total), req));
            return;
        }
        Predicate<OptionResource> test;
        OptionScope scope;
        try {
            test = FilterEval.compile(paging.filter().get(), OPTION_FIELDS);
            scope = OptionScope.of(paging.filter().get(), options, securities.snapshot());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        if (scope == null) {
            throw unscopedOptionFilter();
        }
        long size = scope.size();
        if (size > HeavyQueries.ROWS_MAX) {
            throw HeavyQueries.tooCostly("its scope holds " + size + " contracts and at most "
                    + HeavyQueries.ROWS_MAX + " are examined per request");
        }
        Paging.Result<OptionResource> result = heavy.run(budget -> scan(scope, test, paging, order, byId, budget, req));
        HttpSupport.json(res, 200, result);
    }

    /**
     * 400: a filter over the whole option universe (about 1.5 million generated contracts) that
     * names no scope an index answers.
     */
    static ApiException unscopedOptionFilter() {
        return new ApiException(400, new ApiError.Message("An options filter must name its scope: "
                + "UnderlyingAssetSymbol = 'AAPL' (or in (…)), SeriesId = n (or in (…)), Symbol = '<OSI symbol>' "
                + "(or in (…)) or Id = n (or in (…)), joined to any other terms with 'and'; at most "
                + HeavyQueries.ROWS_MAX + " contracts are examined per request. Without a filter, sort by Id."));
    }

    /** Tests every contract of the scope (in id order) under the budget; builds the page. */
    private static Paging.Result<OptionResource> scan(OptionScope scope, Predicate<OptionResource> test, Paging paging,
            Comparator<OptionResource> order, boolean byId, HeavyQueries.Budget budget, ServerRequest req) {
        List<OptionResource> page = new ArrayList<>();
        List<OptionResource> matches = new ArrayList<>();
        int[] total = {0};
        long from = (long) paging.pageNumber() * paging.pageSize();
        boolean streamed = byId && !paging.desc();
        scope.forEach(c -> {
            budget.examine(1);
            OptionResource o = OptionResource.of(c);
            if (!test.test(o)) {
                return;
            }
            if (streamed) {
                if (total[0] >= from && page.size() < paging.pageSize()) {
                    page.add(o);
                }
            } else {
                matches.add(o);
            }
            total[0]++;
        });
        if (streamed) {
            return paging.result(page, total[0], req);
        }
        matches.sort(order.thenComparingInt(OptionResource::id));
        return paging.page(matches, req);
    }

    // ---- legacy /securities --------------------------------------------------------------------

    private void securitiesByMask(ServerRequest req, ServerResponse res) {
        String mask = Paging.required(req, "mask");
        int count = Paging.integer("maxCount", Paging.required(req, "maxCount"), 0, LOOKUP_COUNT_MAX);
        if (mask.length() > MASK_CHARS_MAX) {
            throw ApiException.modelState("mask", "The mask is longer than " + MASK_CHARS_MAX + " characters.");
        }
        HttpSupport.json(res, 200, byMask(mask, count, s -> true).stream().map(SecurityModel::of).toList());
    }

    private void securityById(ServerRequest req, ServerResponse res) {
        String key = segment(req, "securityId");
        Optional<Integer> id = asId(key);
        if (id.isEmpty()) {
            throw PathIds.notInt32(key, "securityId");
        }
        if (OptionChains.isOptionId(id.get())) {
            HttpSupport.json(res, 200, SecurityModel.of(findOption(key)));
            return;
        }
        HttpSupport.json(res, 200, SecurityModel.of(findEquity(req, key)));
    }

    /** How many {@code targetCurrency} one {@code currency} buys (both required, three-letter codes). */
    private void currencyRate(ServerRequest req, ServerResponse res) {
        String currency = Paging.required(req, "currency");
        String target = Paging.required(req, "targetCurrency");
        for (String[] p : new String[][] {{"currency", currency}, {"targetCurrency", target}}) {
            if (!CurrencyRates.isCode(p[1])) {
                throw ApiException.modelState(p[0], "A three-letter currency code is expected.");
            }
        }
        HttpSupport.json(res, 200, rates.rate(currency, target).orElseThrow(() -> new ApiException(404,
                new ApiError.Message("No rate from " + currency.toUpperCase(Locale.ROOT) + " to "
                        + target.toUpperCase(Locale.ROOT) + " is quoted."))));
    }
}
