package dev.crater.users;

/**
 * What a user sets about themselves beyond their names ({@code PATCH /users/{userId}}): a postal
 * address with the spec's integer {@code State} and {@code CountryId} codes, and an IANA time zone.
 * Each part null when never set.
 */
public record UserProfile(String streetAddress1, String streetAddress2, String city, Integer state, String postalCode,
        Integer countryId, String timeZone) {

    public static final UserProfile NONE = new UserProfile(null, null, null, null, null, null, null);

    /** Named limits of the parts, as stored. */
    public static final int STREET_CHARS_MAX = 200;
    public static final int CITY_CHARS_MAX = 100;
    public static final int POSTAL_CODE_CHARS_MAX = 20;
    public static final int TIME_ZONE_CHARS_MAX = 64;
}
