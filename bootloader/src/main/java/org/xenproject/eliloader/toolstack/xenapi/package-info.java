/**
 * The XenAPI backend: {@code XenApiToolstack.connect(where, settings)} logs in over dom0's unix
 * socket ({@code UnixSocketTransport}) or HTTPS to a pool master ({@code UrlTransport}, with
 * {@code XapiCredentials} from a file), re-logs in once on {@code SESSION_INVALID}, and applies
 * record edits one call at a time (remove then add for map keys).
 */
package org.xenproject.eliloader.toolstack.xenapi;
