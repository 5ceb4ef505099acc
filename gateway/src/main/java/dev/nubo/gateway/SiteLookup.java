package dev.nubo.gateway;

/**
 * What a request's path names in a site, decided from the disk once ({@link SiteFiles}) and then
 * kept: a file (200, or 404 for the site's not-found page), nothing, or a path refused outright.
 */
sealed interface SiteLookup {

    /** {@code fallback}: an SPA's index.html or the not-found page, answered in place of a missing file. */
    record Found(SiteFile file, int status, boolean fallback) implements SiteLookup {}

    record Missing() implements SiteLookup {}

    /** A path that tries to leave the site's root ({@code ..}, encoded or not) or that cannot be a file name. */
    record Refused(String why) implements SiteLookup {}

    Missing MISSING = new Missing();
}
