package dev.crater.auth;

/** The documented {@code Step} values of a {@code /token} answer, spelled as on the wire. */
public enum Step {
    BaseAuthentication,
    /** Sic: the documented wire spelling. */
    SecutityPin,
    VerificationCode
}
