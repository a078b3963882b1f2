package dev.crater.securities;

import dev.crater.reference.Security;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A listed option, generated from its underlying (never stored): its id and symbol encode the
 * underlying, expiration, strike and right, so they are the same on every node and every run.
 *
 * @param listedOn the first trading day the contract is listed (its {@code AddedDate})
 */
public record OptionContract(int id, Security underlying, LocalDate expiration, ExpirationType expirationType,
        BigDecimal strike, Right right, int seriesId, String symbol, String description, LocalDate listedOn) {

    public enum Right {
        Call, Put
    }

    /** The documented ExpirationType names; the wire number is the ordinal. */
    public enum ExpirationType {
        Regular, Quarterly, Weekly, Flex, Undefined, Mini, NonStandard
    }

    public static final BigDecimal CONTRACT_SIZE = BigDecimal.valueOf(100);
}
