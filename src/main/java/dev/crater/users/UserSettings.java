package dev.crater.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * A user's trading settings ({@code user_trading_settings}, V18) and the exchanges an order of theirs
 * may name (reference 02-users.md §2): {@code Auto} (smart routing) and the venues of the securities
 * Crater lists.
 */
public final class UserSettings {
    /** Longest stored settings text (the column's size). */
    static final int SETTINGS_CHARS_MAX = 4000;

    private final Jdbi jdbi;
    private final Supplier<List<String>> venues;
    private final InstantSource clock;

    /** @param venues the listing venues of the securities Crater trades, as their records name them */
    public UserSettings(Jdbi jdbi, Supplier<List<String>> venues, InstantSource clock) {
        this.jdbi = jdbi;
        this.venues = venues;
        this.clock = clock;
    }

    /** {@code Auto} first, then the venues in order, each once. */
    public List<String> exchanges() {
        List<String> out = new ArrayList<>();
        out.add("Auto");
        for (String v : venues.get()) {
            if (v != null && !v.isBlank() && out.stream().noneMatch(x -> x.equalsIgnoreCase(v.trim()))) {
                out.add(v.trim());
            }
        }
        return out;
    }

    public TradingSettings trading(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT settings FROM user_trading_settings WHERE user_id = :u")
                        .bind("u", userId).mapTo(String.class).findOne())
                .map(UserSettings::read).orElse(TradingSettings.DEFAULTS);
    }

    private static TradingSettings read(String json) {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8), TradingSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored trading settings unreadable", e);
        }
    }

    /** Applies {@code body} to the user's settings (see {@link TradingSettings#merged}) and stores them. */
    public TradingSettings setTrading(long userId, JsonNode body, String arg) {
        TradingSettings next = trading(userId).merged(body, exchanges(), arg);
        String json = new String(Json.write(next), StandardCharsets.UTF_8);
        if (json.length() > SETTINGS_CHARS_MAX) {
            throw new IllegalStateException("trading settings of " + json.length() + " characters");
        }
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE user_trading_settings SET settings = :s, modified_at_ms = :t WHERE user_id = :u")
                    .bind("s", json).bind("t", now).bind("u", userId).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO user_trading_settings (user_id, settings, modified_at_ms) VALUES (:u, :s, :t)")
                        .bind("s", json).bind("t", now).bind("u", userId).execute();
            }
        });
        return next;
    }
}
