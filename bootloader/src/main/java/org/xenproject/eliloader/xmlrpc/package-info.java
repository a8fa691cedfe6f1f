/**
 * The client half of XML-RPC as xapi speaks it: {@code XmlRpc.encodeCall(method, params)} and
 * {@code XmlRpc.decodeResponse(bytes)} (a fault becomes {@code XmlRpcFault}, a malformed
 * document {@code XmlRpcFormatException}; nesting is bounded). Our own codec because
 * no maintained library is small enough for a program that starts at every VM boot; the
 * server half lives in the tests.
 */
package org.xenproject.eliloader.xmlrpc;
