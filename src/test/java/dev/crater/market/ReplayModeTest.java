package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.App;
import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay mode end to end: a server started with {@code CRATER_MARKET_REPLAY} quotes the replayed
 * symbol from its bars, through the same quote interface, and its candles reproduce the bars;
 * other symbols stay simulated.
 */
class ReplayModeTest {

    @Test
    void aServerReplaysBarsThroughTheQuoteInterfaceAndHistory(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bars.csv");
        StringBuilder bars = new StringBuilder("symbol,time,open,high,low,close,volume\n");
        long start = Instant.parse("2026-11-18T14:30:00Z").getEpochSecond(); // 09:30 New York
        for (int i = 0; i < 60; i++) {
            BigDecimal open = new BigDecimal("100").add(BigDecimal.valueOf(i));
            bars.append("AAPL,").append(start + 60L * i).append(',').append(open).append(',')
                    .append(open.add(new BigDecimal("1.50"))).append(',').append(open.subtract(new BigDecimal("0.50")))
                    .append(',').append(open.add(BigDecimal.ONE)).append(",1000\n");
        }
        Files.writeString(csv, bars);
        MutableClock clock = new MutableClock();
        clock.set(Instant.parse("2026-11-18T15:40:00Z")); // after the last bar
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir.resolve("data"), false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(1_000_000, 1_000_000), MarketConfig.DEFAULT.withReplay(csv));
        try (App app = App.start(Services.open(config, clock))) {
            Services s = app.services();
            Market market = s.market;
            Security aapl = s.securities.snapshot().bySymbol("AAPL").orElseThrow();
            Security msft = s.securities.snapshot().bySymbol("MSFT").orElseThrow();
            // Each bar's open at its start; after the last bar its close.
            assertThat(market.price(aapl, (start + 60L * 10) * 1000)).isEqualByComparingTo("110");
            assertThat(market.quote(aapl.id()).orElseThrow().last()).isEqualByComparingTo("160");
            // MSFT is not in the file: simulated as usual.
            assertThat(market.price(msft, clock.millis()).doubleValue()).isPositive();

            Company c = s.companies.create("Replay Co");
            s.users.create(new UserService.NewUser(c.id(), "replayer", "correct horse battery", "r@example.com", null,
                    null, User.TwoFactorMethod.NONE, "R", "User"));
            String api = "http://127.0.0.1:" + app.port() + "/api/";
            String token = Http.post(api + "token", "Et-App-Key", c.appKey(), "Username", "replayer", "Password",
                    "correct horse battery").text("Token");
            String body = "{\"Security\": {\"Symbol\": \"AAPL\"}, \"SecurityHistorySettings\": {\"StartDate\": " + start
                    + ", \"EndDate\": " + (start + 3599) + ", \"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": -3},"
                    + " \"IndicatorsHistorySettings\": []}";
            Http.Response r = Http.send("PUT", api + "v1.0/history/symbols", body, "Et-App-Key", c.appKey(),
                    "Authorization", "Bearer " + token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode candles = r.json().get("SecurityHistory").get(0);
            assertThat(candles.size()).isEqualTo(60);
            for (int i = 0; i < 60; i++) {
                JsonNode k = candles.get(i);
                BigDecimal open = new BigDecimal("100").add(BigDecimal.valueOf(i));
                assertThat(k.get("Time").asLong()).isEqualTo(start + 60L * i);
                assertThat(k.get("Open").decimalValue()).isEqualByComparingTo(open);
                assertThat(k.get("High").decimalValue()).isEqualByComparingTo(open.add(new BigDecimal("1.50")));
                assertThat(k.get("Low").decimalValue()).isEqualByComparingTo(open.subtract(new BigDecimal("0.50")));
                assertThat(k.get("Volume").asLong()).isEqualTo(1000);
            }
        }
    }
}
