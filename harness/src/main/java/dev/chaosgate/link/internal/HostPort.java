package dev.chaosgate.link.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Addresses written the way Toxiproxy (Go's {@code net} package) writes them: {@code host:port},
 * {@code [v6]:port}; parse errors worded as Go words them.
 */
record HostPort(String host, int port) {
    private static final Pattern SHORT_IPV4 = Pattern.compile("[0-9.]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    /** Splits {@code host:port} like Go's {@code net.SplitHostPort}; the message is Go's reason. */
    static HostPort parse(String address) throws AddressException {
        if (address.isEmpty()) {
            // Go's net.Listen takes "" as ":0" (any port); SplitHostPort would call it a missing port.
            return new HostPort("", 0);
        }
        String host;
        String portText;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new AddressException("address " + address + ": missing ']' in address");
            }
            if (close + 1 >= address.length() || address.charAt(close + 1) != ':') {
                throw new AddressException("address " + address + ": missing port in address");
            }
            host = address.substring(1, close);
            portText = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw new AddressException("address " + address + ": missing port in address");
            }
            host = address.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new AddressException("address " + address + ": too many colons in address");
            }
            portText = address.substring(colon + 1);
        }
        int port;
        if (portText.isEmpty()) {
            port = 0;
        } else if (portText.chars().allMatch(c -> c >= '0' && c <= '9')) { // ASCII only, as Go: "٣٣" is no port
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = Integer.MAX_VALUE;
            }
            if (port > 65535) {
                throw new AddressException("address " + address + ": invalid port");
            }
        } else {
            throw new AddressException("lookup tcp/" + portText + ": unknown port");
        }
        return new HostPort(host, port);
    }

    /**
     * The socket address to bind. An empty host binds loopback (chaosgate listens on 127.0.0.1 unless
     * told otherwise); {@code 0.0.0.0} or {@code ::} bind every interface.
     */
    InetSocketAddress resolveForListen() throws AddressException {
        if (host.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        return resolve();
    }

    InetSocketAddress resolve() throws AddressException {
        if (SHORT_IPV4.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            // Java reads "12.0.1" or "2130706433" as IPv4 numbers (inet_aton's forms); Go's resolver does not,
            // it looks them up as names and finds none.
            throw new AddressException("lookup " + host + ": no such host");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new AddressException("lookup " + host + ": no such host");
        }
    }

    /** How Go prints a bound address; the wildcard is reported as {@code [::]}, as Go's dual-stack listener does. */
    static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress()) {
            return "[::]:" + address.getPort();
        }
        if (ip instanceof Inet6Address) {
            return "[" + compress(ip.getHostAddress()) + "]:" + address.getPort();
        }
        return ip.getHostAddress() + ":" + address.getPort();
    }

    /** RFC 5952 text of an IPv6 address: lower case, no leading zeros, the longest zero run as "::". */
    static String compress(String full) {
        int percent = full.indexOf('%');
        String zone = percent >= 0 ? full.substring(percent) : "";
        String[] groups = (percent >= 0 ? full.substring(0, percent) : full).split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (Integer.parseInt(groups[i], 16) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
        }
        return out + zone;
    }

    /** A listen or upstream address Go would refuse; the message is Go's wording. */
    static final class AddressException extends Exception {
        AddressException(String message) {
            super(message);
        }
    }
}
