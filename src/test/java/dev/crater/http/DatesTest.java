package dev.crater.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatesTest {

    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void writesTheDocumentedSevenDigitFormat() {
        assertThat(Dates.iso(Instant.parse("2019-01-14T12:27:37.620Z").toEpochMilli()))
                .isEqualTo("2019-01-14T12:27:37.6200000Z");
        assertThat(Dates.iso(0)).isEqualTo("1970-01-01T00:00:00.0000000Z");
        assertThat(Dates.iso(-1)).isEqualTo("1969-12-31T23:59:59.9990000Z");
    }

    @Test
    void matchesTheFormatterOverFiveCenturiesAndOutsideTheFastRange() {
        SplittableRandom random = new SplittableRandom(7);
        long from = Instant.parse("1800-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2300-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            long ms = random.nextLong(from, to);
            assertThat(Dates.iso(ms)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(ms)));
        }
        for (String edge : new String[] {"0999-12-31T23:59:59.999Z", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
            "+10000-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "2100-03-01T00:00:00.001Z"}) {
            long ms = Instant.parse(edge).toEpochMilli();
            assertThat(Dates.iso(ms)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(ms)));
        }
    }
}
