package org.xenproject.eliloader.toolstack.xenapi;

import java.util.List;

/**
 * xapi answered {@code {Status: Failure, ErrorDescription: [CODE, params...]}}. The message is
 * {@code XenAPI METHOD failed: CODE params...} with the session reference and the password
 * masked.
 */
final class XapiFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final List<String> description;

    XapiFailure(String method, List<String> description, String safeText) {
        super("XenAPI " + method + " failed: " + safeText);
        this.method = method;
        this.description = List.copyOf(description);
    }

    String method() {
        return method;
    }

    /** The xapi error code, e.g. {@code HANDLE_INVALID}. */
    String code() {
        return description.isEmpty() ? "" : description.get(0);
    }

    List<String> description() {
        return description;
    }
}
