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

    public static String iso(long epochMs) {
        return ISO_7.format(Instant.ofEpochMilli(epochMs));
    }
}
