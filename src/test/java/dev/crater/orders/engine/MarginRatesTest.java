package dev.crater.orders.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * Goal: the rates the verify calls show ({@link MarginRates}) are the ones the engine charges. Method: for
 * every margin type, instrument kind and side, the engine's own requirement of a value ({@link Risk#initial},
 * {@link Risk#maintenance}) equals the value times the rate, rounded up to the fixed-point unit.
 */
class MarginRatesTest {
    private static final Instrument MARGINABLE = Instrument.stock();
    private static final Instrument NOT_MARGINABLE = new Instrument(1, true, false, Fixed.of("0.01"), false, true);
    private static final Instrument OPTION = Instrument.option();

    @Test
    void initialRatesAreWhatTheEngineReserves() {
        for (MarginType type : MarginType.values()) {
            AccountBook a = new AccountBook(1, type, CommissionPlan.FREE, 0);
            for (Instrument inst : new Instrument[] {MARGINABLE, NOT_MARGINABLE, OPTION}) {
                for (Side side : new Side[] {Side.Buy, Side.SellShort}) {
                    for (long value : new long[] {Fixed.of("1000"), Fixed.of("12345.67"), Fixed.of("0.03")}) {
                        long charged = Risk.initial(a, inst, side, value);
                        assertThat(charged).as("%s %s %s %d", type, inst, side, value)
                                .isEqualTo(byRate(value, MarginRates.initial(type, inst, side)));
                    }
                }
            }
        }
    }

    @Test
    void maintenanceRatesAreWhatTheEngineRequires() {
        for (Instrument inst : new Instrument[] {MARGINABLE, NOT_MARGINABLE, OPTION}) {
            for (boolean isLong : new boolean[] {true, false}) {
                Position p = new Position(1, 4, "X", inst, 0);
                p.quantity = isLong ? Fixed.of("10") : -Fixed.of("10");
                for (long value : new long[] {Fixed.of("1000"), Fixed.of("12345.67"), Fixed.of("0.03")}) {
                    long mv = isLong ? value : -value;
                    assertThat(Risk.maintenance(p, mv)).as("%s long=%s %d", inst, isLong, value)
                            .isEqualTo(byRate(value, MarginRates.maintenance(inst, isLong)));
                }
            }
        }
    }

    private static long byRate(long value, BigDecimal rate) {
        return BigDecimal.valueOf(value).multiply(rate).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
