/**
 * Everything that runs Debian's pygrub against the guest's disk or CD: the hand-off after the
 * last round ({@code PygrubHandoff}), SUSE's domUloader emulation ({@code DomULoaderProbe}),
 * the Oracle UEK entry filter ({@code AvoidUekEntries}), and the process, arguments and
 * messages of pygrub itself ({@code Pygrub}, {@code PygrubArgs}, {@code PygrubMessages}).
 */
package org.xenproject.eliloader.round.pygrub;
