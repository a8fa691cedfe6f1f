package org.xenproject.eliloader.source;

import java.util.Locale;
import java.util.function.Supplier;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Who a source logs in as, by the rules of README "Credentials", for http(s), ftp and smb alike:
 * <ul>
 * <li>the password is the one written in the URL, else the repository secret
 * ({@code other-config:install-repository-secret}), which is looked up only then;</li>
 * <li>a user without any password is refused, except ftp's {@code anonymous} and {@code ftp};</li>
 * <li>a secret for a URL that names no user is refused (it would be silently unused);</li>
 * <li>no user and no secret: anonymous (http without authentication, ftp anonymous, smb guest).</li>
 * </ul>
 * Messages name the masked repository and the user, never a password or the secret.
 *
 * @param user     the user, null for anonymous
 * @param domain   the SMB domain, or null
 * @param password the password, null for anonymous (and for ftp's anonymous users without a secret)
 */
public record RepositoryCredentials(String user, String domain, String password) {

    /** Resolves the credentials of {@code repository}; {@code secret} is called at most once. */
    public static RepositoryCredentials resolve(Repository repository, Supplier<String> secret) {
        String user = repository.user();
        if (user == null) {
            if (secret.get() != null) {
                throw BootloaderException.invalidSource("other-config:" + SourceOptions.SECRET_KEY
                        + " names a password, but the repository " + repository.masked() + " names no user; write it as "
                        + userForm(repository) + ".");
            }
            return new RepositoryCredentials(null, null, null);
        }
        String password = repository.password() != null ? repository.password() : secret.get();
        if (password == null && !isAnonymousFtp(repository)) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " names the user " + user
                    + " but no password: store it in a secret and name the secret's uuid in other-config:"
                    + SourceOptions.SECRET_KEY + ".");
        }
        return new RepositoryCredentials(user, repository.domain(), password);
    }

    public boolean anonymous() {
        return user == null;
    }

    /** The user for messages: {@code DOMAIN\USER}, or {@code USER}. */
    public String who() {
        return user == null ? null : (domain == null ? "" : domain + "\\") + user;
    }

    /** Never the password: a record's default toString would print it. */
    @Override
    public String toString() {
        return user == null ? "anonymous" : who() + (password == null ? "" : ":***");
    }

    private static boolean isAnonymousFtp(Repository repository) {
        String lower = repository.user().toLowerCase(Locale.ROOT);
        return repository.scheme() == Repository.Scheme.FTP && (lower.equals("anonymous") || lower.equals("ftp"));
    }

    private static String userForm(Repository repository) {
        String host = repository.host().indexOf(':') >= 0 ? "[" + repository.host() + "]" : repository.host();
        return repository.scheme() == Repository.Scheme.SMB ? "smb://[DOMAIN;]USER@" + host + "/SHARE/PATH"
                : repository.scheme().installMethod() + "://USER@" + host + "/...";
    }
}
