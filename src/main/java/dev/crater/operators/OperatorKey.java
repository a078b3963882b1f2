package dev.crater.operators;

/**
 * A company's operator key as stored: never the key itself (only its SHA-256 is kept, in the store),
 * so this record can be listed and logged. {@code revokedAtMs} is null while the key is live.
 */
public record OperatorKey(long id, long companyId, String name, long createdAtMs, Long revokedAtMs) {

    public boolean live() {
        return revokedAtMs == null;
    }
}
