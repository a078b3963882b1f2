package dev.crater.agreements;

/**
 * An agreement a company's users sign: its kind (the spec's {@code Type}), name, where its text is,
 * whether the app may let the user skip it, and its current version.
 */
public record Agreement(long id, long companyId, Type type, String name, String url, boolean canSkip, int version,
                        boolean retired, long createdAtMs, long modifiedAtMs) {

    public static final int NAME_CHARS_MAX = 200;
    public static final int URL_CHARS_MAX = 500;

    /** The spec's AgreementItemResource Type. */
    public enum Type {
        Platform, Quotemedia, Quodd;

        public static Type parse(String text) {
            for (Type t : values()) {
                if (t.name().equalsIgnoreCase(text.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("an agreement's type is Platform, Quotemedia or Quodd, not '" + text + "'");
        }
    }

    /** A user's signature of one version. */
    public record Signature(long userId, long agreementId, int version, long signedAtMs) {
    }
}
