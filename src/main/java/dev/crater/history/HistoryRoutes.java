package dev.crater.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.market.Candle;
import dev.crater.market.Market;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.securities.OptionChains;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Historical data (reference 09-historical-data.md): candles with indicators, the comparison chart
 * and the Excel export, all computed from the same simulated (or replayed) market as the quotes.
 * Unusable settings (unknown security, period or interval, too many candles) answer 409 — the
 * documented "data cannot be provided" — with a message saying why; a body that is not JSON is a
 * 422 ModelState.
 */
public final class HistoryRoutes implements HttpService {

    /** Named limits. */
    public static final int INDICATORS_MAX = 16;
    public static final int COMPARE_SECURITIES_MAX = 20;
    /** Candles computed before a range so indicators are defined from its first candle. */
    static final int WARMUP_MAX = 600;

    private final Securities securities;
    private final HistoryService history;
    private final Market market;

    public HistoryRoutes(Securities securities, OptionChains options, Market market) {
        this.securities = securities;
        this.history = new HistoryService(market);
        this.market = market;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/history/symbols[/]", this::symbols)
                .put("/history/compare[/]", this::compare)
                .post("/history/export[/]", this::export);
    }

    // ---- request models (keys match case-insensitively) ----------------------------------------

    public record SecuritySignature(String symbol, String exchange, String currency, Integer id) {
    }

    public record SecurityHistoryRequestSettings(Long startDate, Long endDate, Integer candlesCount, String period,
            JsonNode interval, Boolean includeNonMarketData) {
    }

    public record IndicatorHistoryRequestSettings(String signature, Long startDate, Long endDate, String period,
            JsonNode interval, Integer candlesCount, Integer offset, Boolean includeNonMarketData, JsonNode indicator) {
    }

    public record ChartHistoryRequestModel(SecuritySignature security,
            SecurityHistoryRequestSettings securityHistorySettings,
            List<IndicatorHistoryRequestSettings> indicatorsHistorySettings) {
    }

    public record ChartCompareRequestModel(List<SecuritySignature> securities,
            SecurityHistoryRequestSettings securitiesHistorySettings) {
    }

    public record HistoricalTradeDataExportIndicatorModel(String name, String text, String type, List<JsonNode> args) {
    }

    public record TimeFrameModel(Long startDate, Long endDate, Integer candlesCount, String period,
            Boolean includeNonMarketData, JsonNode interval) {
    }

    public record HistoricalTradeDataExportDataModel(List<Integer> securities,
            List<HistoricalTradeDataExportIndicatorModel> indicators, TimeFrameModel timeFrame, String defaultFileName) {
    }

    // ---- response models -----------------------------------------------------------------------

    /** {@code TimeSeriesValueCandleMapModel}. */
    public record CandleModel(List<BigDecimal> valuationLevels, boolean isMarket, long volume, int openInterest,
            long time, String dateTime, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close) {
        static CandleModel of(Candle c) {
            return new CandleModel(List.of(), c.market(), c.volume(), 0, c.time(),
                    Instant.ofEpochSecond(c.time()).toString(), c.open(), c.high(), c.low(), c.close());
        }
    }

    /** {@code IndicatorHistoryMapModel}. */
    public record IndicatorModel(long date, List<BigDecimal> values) {
    }

    /** {@code LevelInfoMapModel}: a price band and the times of candles that closed in it. */
    public record LevelInfo(BigDecimal bottomPrice, BigDecimal topPrice, List<Long> greenCandles,
            List<Long> redCandles) {
    }

    /** {@code SupportResistanceMapModel}. */
    public record SupportResistance(List<LevelInfo> levels, BigDecimal resistancePrice, BigDecimal supportPrice) {
    }

    /** {@code ChartHistoryModel}. */
    public record ChartHistoryModel(List<List<CandleModel>> securityHistory,
            List<List<IndicatorModel>> indicatorsHistory, SupportResistance supportResistanceHistory) {
    }

    /**
     * A point of the comparison chart: the documented {@code Volume, Time, Difference, Price}, then the rest of
     * the spec's item model (TimeSeriesValueCandleMapModel), so that clients of either read their fields.
     */
    public record ComparePoint(long volume, long time, BigDecimal difference, BigDecimal price,
            List<BigDecimal> valuationLevels, boolean isMarket, int openInterest, String dateTime, BigDecimal open,
            BigDecimal high, BigDecimal low, BigDecimal close) {
        static ComparePoint of(Candle c, BigDecimal difference) {
            return new ComparePoint(c.volume(), c.time(), difference, c.close(), List.of(), c.market(), 0,
                    Instant.ofEpochSecond(c.time()).toString(), c.open(), c.high(), c.low(), c.close());
        }
    }

    // ---- handlers ------------------------------------------------------------------------------

    private static ApiException unavailable(String why) {
        return new ApiException(409, new ApiError.Message(why));
    }

    private Security security(SecuritySignature sig) {
        if (sig == null) {
            throw ApiException.modelState("model.Security", "Security is required");
        }
        Securities.Snapshot snap = securities.snapshot();
        Optional<Security> s = Optional.empty();
        if (sig.symbol() != null && !sig.symbol().isBlank()) {
            s = snap.bySymbol(sig.symbol().trim());
        } else if (sig.id() != null) {
            s = snap.byId(sig.id());
        } else {
            throw ApiException.modelState("model.Security.Symbol", "Symbol is required");
        }
        s = s.filter(x -> sig.exchange() == null || sig.exchange().isBlank()
                || sig.exchange().trim().equalsIgnoreCase(x.exchange()))
                .filter(x -> sig.currency() == null || sig.currency().isBlank()
                        || sig.currency().trim().equalsIgnoreCase(x.currency()));
        return s.orElseThrow(() -> unavailable("No history for '" + (sig.symbol() != null ? sig.symbol() : sig.id())
                + "': no such security."));
    }

    private ChartRange range(String period, Long start, Long end, Integer count, JsonNode interval) {
        try {
            return ChartRange.resolve(period, start, end, count, interval, market.nowMs(), market.calendar());
        } catch (IllegalArgumentException e) {
            throw unavailable(e.getMessage());
        }
    }

    private List<Candle> candles(Security s, ChartRange range, boolean extended, int warmup) {
        try {
            return history.candles(s, range, extended, warmup);
        } catch (IllegalArgumentException e) {
            throw unavailable(e.getMessage() + "; narrow the range or use a longer period.");
        }
    }

    private void symbols(ServerRequest req, ServerResponse res) {
        ChartHistoryRequestModel body = HttpSupport.readJson(req, ChartHistoryRequestModel.class, "model");
        Security s = security(body.security());
        SecurityHistoryRequestSettings settings = body.securityHistorySettings();
        if (settings == null) {
            throw ApiException.modelState("model.SecurityHistorySettings", "SecurityHistorySettings is required");
        }
        List<IndicatorHistoryRequestSettings> indicators = body.indicatorsHistorySettings() == null ? List.of()
                : body.indicatorsHistorySettings();
        if (indicators.size() > INDICATORS_MAX) {
            throw unavailable("At most " + INDICATORS_MAX + " indicators per request.");
        }
        boolean extended = Boolean.TRUE.equals(settings.includeNonMarketData());
        ChartRange range = range(settings.period(), settings.startDate(), settings.endDate(), settings.candlesCount(),
                settings.interval());
        List<Candle> candles = candles(s, range, extended, 0);
        List<List<IndicatorModel>> series = new ArrayList<>();
        for (int i = 0; i < indicators.size(); i++) {
            if (indicators.get(i) == null || indicators.get(i).signature() == null) {
                throw ApiException.modelState("model.IndicatorsHistorySettings[" + i + "].Signature",
                        "Signature is required");
            }
            series.add(indicator(s, indicators.get(i), settings, extended));
        }
        List<CandleModel> out = candles.stream().map(CandleModel::of).toList();
        HttpSupport.json(res, 200, new ChartHistoryModel(List.of(out), series, supportResistance(candles)));
    }

    /** One indicator over its own settings (falling back to the security's), newest point first as documented. */
    private List<IndicatorModel> indicator(Security s, IndicatorHistoryRequestSettings ind,
            SecurityHistoryRequestSettings fallback, boolean extendedFallback) {
        IndicatorSignature sig;
        try {
            sig = IndicatorSignature.parse(ind.signature());
        } catch (IllegalArgumentException e) {
            throw unavailable("Indicator signature '" + ind.signature() + "' is not usable: " + e.getMessage());
        }
        if (!Indicators.isSupported(sig.name())) {
            throw unavailable("Indicator '" + sig.name() + "' is not supported; supported: "
                    + String.join(", ", Indicators.supportedNames()));
        }
        String period = ind.period() != null ? ind.period() : sig.period();
        boolean own = ind.startDate() != null || ind.endDate() != null || ind.candlesCount() != null;
        ChartRange range = own
                ? range(period, ind.startDate(), ind.endDate(), ind.candlesCount(), ind.interval())
                : range(period, fallback.startDate(), fallback.endDate(), fallback.candlesCount(), fallback.interval());
        boolean extended = ind.includeNonMarketData() != null ? ind.includeNonMarketData() : extendedFallback;
        int warmup = warmup(sig);
        List<Candle> candles = candles(s, range, extended, warmup);
        long firstInRange = range.byCount()
                ? (candles.isEmpty() ? Long.MIN_VALUE : candles.get(Math.max(0, candles.size() - range.count())).time())
                : Math.floorDiv(range.fromMs(), 1000);
        List<IndicatorPoint> points;
        try {
            points = Indicators.compute(sig, candles, ind.offset() == null ? 0 : ind.offset());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw unavailable("Indicator '" + sig.text() + "' cannot be computed: " + e.getMessage());
        }
        List<IndicatorModel> out = new ArrayList<>();
        for (int i = points.size() - 1; i >= 0; i--) {
            IndicatorPoint p = points.get(i);
            if (p.date() >= firstInRange) {
                out.add(new IndicatorModel(p.date(), p.values()));
            }
        }
        return out;
    }

    /** Enough earlier candles for the indicator's longest look-back (three times its largest parameter). */
    static int warmup(IndicatorSignature sig) {
        int max = 1;
        for (BigDecimal p : sig.params()) {
            max = Math.max(max, p.intValue());
        }
        return Math.min(WARMUP_MAX, 3 * max + 10);
    }

    /** Ten equal price bands over the range, the times of candles closing in each, support and resistance. */
    static SupportResistance supportResistance(List<Candle> candles) {
        if (candles.isEmpty()) {
            return new SupportResistance(List.of(), BigDecimal.ZERO, BigDecimal.ZERO);
        }
        BigDecimal lo = candles.stream().map(Candle::low).min(BigDecimal::compareTo).orElseThrow();
        BigDecimal hi = candles.stream().map(Candle::high).max(BigDecimal::compareTo).orElseThrow();
        int bands = 10;
        BigDecimal width = hi.subtract(lo).divide(BigDecimal.valueOf(bands), 6, RoundingMode.HALF_EVEN);
        List<LevelInfo> levels = new ArrayList<>();
        for (int b = 0; b < bands; b++) {
            BigDecimal bottom = lo.add(width.multiply(BigDecimal.valueOf(b)));
            BigDecimal top = b == bands - 1 ? hi : bottom.add(width);
            List<Long> green = new ArrayList<>();
            List<Long> red = new ArrayList<>();
            for (Candle c : candles) {
                boolean inBand = c.close().compareTo(bottom) >= 0
                        && (c.close().compareTo(top) < 0 || b == bands - 1 && c.close().compareTo(top) <= 0);
                if (inBand) {
                    (c.close().compareTo(c.open()) >= 0 ? green : red).add(c.time());
                }
            }
            levels.add(new LevelInfo(bottom.setScale(2, RoundingMode.HALF_EVEN), top.setScale(2, RoundingMode.HALF_EVEN),
                    green, red));
        }
        List<Candle> recent = candles.subList(Math.max(0, candles.size() - 20), candles.size());
        BigDecimal resistance = recent.stream().map(Candle::high).max(BigDecimal::compareTo).orElseThrow();
        BigDecimal support = recent.stream().map(Candle::low).min(BigDecimal::compareTo).orElseThrow();
        return new SupportResistance(levels, resistance, support);
    }

    private void compare(ServerRequest req, ServerResponse res) {
        ChartCompareRequestModel body = HttpSupport.readJson(req, ChartCompareRequestModel.class, "model");
        if (body.securities() == null || body.securities().isEmpty()) {
            throw ApiException.modelState("model.Securities", "Securities are required");
        }
        if (body.securities().size() > COMPARE_SECURITIES_MAX) {
            throw unavailable("At most " + COMPARE_SECURITIES_MAX + " securities per comparison.");
        }
        SecurityHistoryRequestSettings settings = body.securitiesHistorySettings();
        if (settings == null) {
            throw ApiException.modelState("model.SecuritiesHistorySettings", "SecuritiesHistorySettings is required");
        }
        ChartRange range = range(settings.period(), settings.startDate(), settings.endDate(), settings.candlesCount(),
                settings.interval());
        boolean extended = Boolean.TRUE.equals(settings.includeNonMarketData());
        List<List<ComparePoint>> out = new ArrayList<>();
        for (SecuritySignature sig : body.securities()) {
            List<Candle> candles = candles(security(sig), range, extended, 0);
            List<ComparePoint> points = new ArrayList<>();
            BigDecimal first = candles.isEmpty() ? BigDecimal.ONE : candles.getFirst().close();
            for (Candle c : candles) {
                BigDecimal diff = c.close().subtract(first).multiply(BigDecimal.valueOf(100))
                        .divide(first, 5, RoundingMode.HALF_EVEN).stripTrailingZeros();
                points.add(ComparePoint.of(c, diff.signum() == 0 ? BigDecimal.ZERO : diff));
            }
            out.add(points);
        }
        HttpSupport.json(res, 200, out);
    }

    private void export(ServerRequest req, ServerResponse res) {
        HistoricalTradeDataExportDataModel body = HttpSupport.readJson(req, HistoricalTradeDataExportDataModel.class,
                "model");
        if (body.securities() == null || body.securities().isEmpty()) {
            throw ApiException.modelState("model.Securities", "Securities are required");
        }
        if (body.securities().size() > ExcelExport.MAX_SHEETS) {
            throw ApiException.modelState("model.Securities", "At most " + ExcelExport.MAX_SHEETS + " securities");
        }
        TimeFrameModel tf = body.timeFrame();
        if (tf == null) {
            throw ApiException.modelState("model.TimeFrame", "TimeFrame is required");
        }
        List<HistoricalTradeDataExportIndicatorModel> indicators = body.indicators() == null ? List.of()
                : body.indicators();
        if (indicators.size() > INDICATORS_MAX) {
            throw ApiException.modelState("model.Indicators", "At most " + INDICATORS_MAX + " indicators");
        }
        ChartRange range = range(tf.period(), tf.startDate(), tf.endDate(), tf.candlesCount(), tf.interval());
        boolean extended = Boolean.TRUE.equals(tf.includeNonMarketData());
        List<ExcelExport.Sheet> sheets = new ArrayList<>();
        Securities.Snapshot snap = securities.snapshot();
        for (Integer id : body.securities()) {
            Security s = snap.byId(id == null ? -1 : id).orElseThrow(() -> ApiException.modelState("model.Securities",
                    "Security " + id + " does not exist"));
            List<Candle> candles = candles(s, range, extended, 0);
            List<ExcelExport.IndicatorColumn> columns = new ArrayList<>();
            for (int i = 0; i < indicators.size(); i++) {
                if (indicators.get(i) == null) {
                    throw ApiException.modelState("model.Indicators[" + i + "]", "An indicator is required");
                }
                columns.addAll(exportColumns(s, indicators.get(i), range, extended));
            }
            sheets.add(new ExcelExport.Sheet(s.symbol(), range.period().code(), candles, columns));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ExcelExport.write(out, sheets);
        } catch (IOException e) {
            throw new IllegalStateException("writing the workbook to memory failed", e);
        } catch (IllegalArgumentException e) {
            throw unavailable(e.getMessage());
        }
        String name = ExcelExport.safeFileName(body.defaultFileName(), "history.xlsx");
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"");
        res.send(out.toByteArray());
    }

    /**
     * Columns for an export indicator: {@code Volume} is already a column; other names are indicator
     * names of the signature table with {@code Args} as parameters (defaults when absent).
     */
    private List<ExcelExport.IndicatorColumn> exportColumns(Security s, HistoricalTradeDataExportIndicatorModel ind,
            ChartRange range, boolean extended) {
        String name = ind.name() == null ? "" : ind.name().trim();
        if (name.equalsIgnoreCase("Volume") || name.isEmpty()) {
            return List.of();
        }
        StringBuilder sig = new StringBuilder(name).append('|').append(range.period().code()).append("|false");
        if (ind.args() != null) {
            for (JsonNode a : ind.args()) {
                if (a != null && a.isNumber()) {
                    sig.append('|').append(a.asText());
                }
            }
        }
        IndicatorSignature parsed;
        try {
            parsed = IndicatorSignature.parse(sig.toString());
        } catch (IllegalArgumentException e) {
            throw ApiException.modelState("model.Indicators", "Indicator '" + name + "': " + e.getMessage());
        }
        if (!Indicators.isSupported(parsed.name())) {
            throw ApiException.modelState("model.Indicators", "Indicator '" + name + "' is not supported");
        }
        List<Candle> candles = candles(s, range, extended, warmup(parsed));
        List<IndicatorPoint> points = Indicators.compute(parsed, candles);
        List<String> valueNames = Indicators.valueNames(parsed.name());
        String label = ind.text() == null || ind.text().isBlank() ? parsed.name() : ind.text().trim();
        List<ExcelExport.IndicatorColumn> columns = new ArrayList<>();
        for (int v = 0; v < valueNames.size(); v++) {
            Map<Long, BigDecimal> values = new LinkedHashMap<>();
            for (IndicatorPoint p : points) {
                if (v < p.values().size()) {
                    values.put(p.date(), p.values().get(v));
                }
            }
            columns.add(new ExcelExport.IndicatorColumn(valueNames.size() == 1 ? label : label + " " + valueNames.get(v),
                    values));
        }
        return columns;
    }
}
