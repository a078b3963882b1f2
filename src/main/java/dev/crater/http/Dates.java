package dev.crater.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The API's date-time text: ISO-8601 UTC with seven fractional digits, {@code 2019-01-14T12:27:37.6205663Z}. */
public final class Dates {
    private static final DateTimeFormatter ISO_7 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Dates() {
    }

    /** Years written by the fast path; others (never seen in practice) go through the formatter. */
    private static final int FAST_YEAR_MIN = 1000;
    private static final int FAST_YEAR_MAX = 9999;

    public static String iso(long epochMs) {
        long day = Math.floorDiv(epochMs, 86_400_000L);
        int msOfDay = (int) Math.floorMod(epochMs, 86_400_000L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        int year = date.getYear();
        if (year < FAST_YEAR_MIN || year > FAST_YEAR_MAX) {
            return ISO_7.format(Instant.ofEpochMilli(epochMs));
        }
        // Every answer carries several of these: written directly instead of by DateTimeFormatter
        // (a tenth of an order placement's serialisation). Same text, checked by DatesTest.
        char[] c = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', '.',
            '0', '0', '0', '0', '0', '0', '0', 'Z'};
        put(c, 0, year, 4);
        put(c, 5, date.getMonthValue(), 2);
        put(c, 8, date.getDayOfMonth(), 2);
        put(c, 11, msOfDay / 3_600_000, 2);
        put(c, 14, msOfDay / 60_000 % 60, 2);
        put(c, 17, msOfDay / 1000 % 60, 2);
        put(c, 20, msOfDay % 1000, 3);
        return new String(c);
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
