package org.xenproject.eliloader.toolstack.xenapi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.xmlrpc.XmlRpc;
import org.xenproject.eliloader.xmlrpc.XmlRpcFault;
import org.xenproject.eliloader.xmlrpc.XmlRpcFormatException;

/**
 * A XenAPI session over one transport: logs in with originator {@code eliloader}, sends
 * session-bound calls, logs in again once when xapi says {@code SESSION_INVALID}, logs out on
 * close. Failures come back as {@link XapiFailure}; an unreachable xapi or an answer that is not
 * XenAPI as {@link BootloaderException}.
 */
final class XapiClient implements AutoCloseable {
    static final String ORIGINATOR = "eliloader";
    static final String API_VERSION = "1.0";
    static final String SESSION_INVALID = "SESSION_INVALID";

    private final XapiTransport transport;
    private final XapiCredentials credentials;
    private String session;

    XapiClient(XapiTransport transport, XapiCredentials credentials) {
        this.transport = transport;
        this.credentials = credentials;
    }

    String describe() {
        return transport.describe();
    }

    void login() {
        Object ref = send("session.login_with_password",
                List.of(credentials.user(), credentials.password(), API_VERSION, ORIGINATOR));
        if (!(ref instanceof String s) || s.isEmpty()) {
            throw unusable("session.login_with_password", "the session reference is not a string");
        }
        session = s;
    }

    /** Calls {@code method(session, args...)}; on SESSION_INVALID logs in again and retries once. */
    Object call(String method, Object... args) {
        if (session == null) {
            throw new IllegalStateException("not logged in");
        }
        try {
            return send(method, withSession(args));
        } catch (XapiFailure failure) {
            if (!SESSION_INVALID.equals(failure.code())) {
                throw failure;
            }
            Log.info("XenAPI session expired during " + method + "; logging in again");
            session = null;
            login();
            return send(method, withSession(args));
        }
    }

    private List<Object> withSession(Object[] args) {
        List<Object> params = new ArrayList<>(args.length + 1);
        params.add(session);
        params.addAll(Arrays.asList(args));
        return params;
    }

    private Object send(String method, List<Object> params) {
        byte[] answer;
        try {
            answer = transport.post(XmlRpc.encodeCall(method, params));
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot reach " + transport.describe()
                    + " for " + method + ": " + mask(String.valueOf(e.getMessage())), e);
        }
        Object decoded;
        try {
            decoded = XmlRpc.decodeResponse(answer);
        } catch (XmlRpcFault e) {
            throw unusable(method, "XML-RPC fault " + e.faultCode() + " " + mask(e.faultString()));
        } catch (XmlRpcFormatException e) {
            throw unusable(method, e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> result)) {
            throw unusable(method, "the answer is not a struct");
        }
        Object status = result.get("Status");
        if ("Success".equals(status)) {
            if (!result.containsKey("Value")) {
                throw unusable(method, "a Success without a Value");
            }
            return result.get("Value");
        }
        if ("Failure".equals(status)) {
            List<String> description = new ArrayList<>();
            if (result.get("ErrorDescription") instanceof List<?> items) {
                for (Object item : items) {
                    description.add(String.valueOf(item));
                }
            }
            if (description.isEmpty()) {
                throw unusable(method, "a Failure without an ErrorDescription");
            }
            throw new XapiFailure(method, description, mask(String.join(" ", description)));
        }
        throw unusable(method, "Status is neither Success nor Failure");
    }

    private BootloaderException unusable(String method, String why) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, transport.describe()
                + " gave an answer to " + method + " that is not XenAPI: " + why);
    }

    /** Hides the session reference and the password wherever xapi echoes them. */
    String mask(String text) {
        String masked = text;
        if (session != null && !session.isEmpty()) {
            masked = masked.replace(session, "(session)");
        }
        if (!credentials.password().isEmpty()) {
            masked = masked.replace(credentials.password(), "(password)");
        }
        return masked;
    }

    /** Logs out (never throws: a failed logout only leaves a session for xapi to expire). */
    @Override
    public void close() {
        try {
            if (session != null) {
                send("session.logout", List.of(session));
            }
        } catch (RuntimeException e) {
            Log.info("XenAPI logout failed: " + e.getMessage());
        } finally {
            session = null;
            transport.close();
        }
    }
}
