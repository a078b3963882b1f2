package dev.crater.orders.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FixedTest {

    @Test
    void convertsBothWays() {
        assertThat(Fixed.of("123.45")).isEqualTo(123_450_000L);
        assertThat(Fixed.of(new BigDecimal("0.0000005"))).isEqualTo(1L);
        assertThat(Fixed.of((BigDecimal) null)).isEqualTo(Fixed.NONE);
        assertThat(Fixed.toBigDecimal(123_450_000L)).isEqualByComparingTo("123.45");
        assertThat(Fixed.toBigDecimal(Fixed.NONE)).isNull();
        assertThat(Fixed.format(Fixed.of("-2.50"))).isEqualTo("-2.5");
        assertThat(Fixed.units(3)).isEqualTo(3_000_000L);
    }

    @Test
    void multipliesExactlyWithHalfAwayRounding() {
        assertThat(Fixed.mul(Fixed.of("1.5"), Fixed.of("2"))).isEqualTo(Fixed.of("3"));
        assertThat(Fixed.mul(Fixed.of("0.000001"), Fixed.of("0.5"))).isEqualTo(1L);
        assertThat(Fixed.mul(Fixed.of("-0.000001"), Fixed.of("0.5"))).isEqualTo(-1L);
        assertThat(Fixed.mul(Fixed.of("0.000001"), Fixed.of("0.4"))).isZero();
        assertThat(Fixed.divRound(5, 2)).isEqualTo(3);
        assertThat(Fixed.divRound(-5, 2)).isEqualTo(-3);
    }

    @Test
    void widensInsteadOfOverflowing() {
        long big = Fixed.of("9000000000"); // 9e15 raw
        assertThat(Fixed.mulDiv(big, big, big)).isEqualTo(big);
        assertThat(Fixed.mul(Fixed.of("3000000"), Fixed.of("3000000"))).isEqualTo(Fixed.of("9000000000000"));
        assertThatThrownBy(() -> Fixed.mul(Fixed.of("9000000000"), Fixed.of("9000000000")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void roundsToTicks() {
        long tick = Fixed.of("0.05");
        assertThat(Fixed.floorTo(Fixed.of("1.07"), tick)).isEqualTo(Fixed.of("1.05"));
        assertThat(Fixed.ceilTo(Fixed.of("1.07"), tick)).isEqualTo(Fixed.of("1.10"));
        assertThat(Fixed.onTick(Fixed.of("1.10"), tick)).isTrue();
        assertThat(Fixed.onTick(Fixed.of("1.11"), tick)).isFalse();
        assertThat(Fixed.onTick(Fixed.of("1.11"), 0)).isTrue();
    }
}
