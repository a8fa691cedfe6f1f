/**
 * Every setting, parsed and checked in one place.
 *
 * <ul>
 * <li>Host settings ({@code Setting}, {@code Settings.resolve(options, environment, configFile)}):
 * option, then {@code ELILOADER_*} variable, then {@code /etc/eliloader/eliloader.conf}, then the
 * default. A bad value is a {@code USAGE} error with the same sentence wherever it was written.</li>
 * <li>VM settings: the install keys of other-config ({@code InstallKey}, {@code InstallSettings.of})
 * and the platform size limits ({@code BootFileLimits.of}). A bad value is {@code INVALID_SOURCE}
 * naming the key.</li>
 * </ul>
 * Numbers and flags are read by one set of rules ({@code Values}) for both.
 */
package org.xenproject.eliloader.config;
