package org.xenproject.eliloader.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one masking function, on each form a secret takes in a message. */
class SecretsTest {
    @Test
    void urlUserInfoInAnyPositionAndForm() {
        assertThat(Secrets.mask("Cannot fetch http://joe:pw1@host/tree/x: refused"))
                .isEqualTo("Cannot fetch http://joe:***@host/tree/x: refused");
        assertThat(Secrets.mask("ftp://joe:a/b@host/tree")).isEqualTo("ftp://joe:***@host/tree");
        assertThat(Secrets.mask("see \"smb://DOM;joe:p@ss@host/share\"")).isEqualTo("see \"smb://DOM;joe:***@host/share\"");
        assertThat(Secrets.mask("proxy joe:pa/ss@proxy:3128 refused")).isEqualTo("proxy joe:***@proxy:3128 refused");
        assertThat(Secrets.mask("http://host:8080/tree")).isEqualTo("http://host:8080/tree");
        assertThat(Secrets.mask("http://joe@host/tree")).isEqualTo("http://joe@host/tree");
        assertThat(Secrets.mask("two: http://a:x@h/ and ftp://b:y@h/")).isEqualTo("two: http://a:***@h/ and ftp://b:***@h/");
    }

    @Test
    void keyValueSecretsAndRegisteredValues() {
        assertThat(Secrets.mask("ks=x vncpassword=hunter22 inst.vncpassword=\"a b\" install-vncpasswd=zz"))
                .isEqualTo("ks=x vncpassword=*** inst.vncpassword=*** install-vncpasswd=***");
        Secrets.register("Tr0ub4dor");
        assertThat(Secrets.mask("xapi said Tr0ub4dor and Tr0ub4dor")).isEqualTo("xapi said *** and ***");
        Secrets.register("sl/ash pw");
        assertThat(Secrets.mask("x sl%2Fash%20pw y")).isEqualTo("x *** y");
    }

    @Test
    void quoteIsMaskedOneLineAndBounded() {
        String quoted = Secrets.quote("http://u:p@h/" + "x".repeat(100_000) + "\n");
        assertThat(quoted).startsWith("http://u:***@h/").hasSizeLessThan(MessageText.DEFAULT_MAX + 10).doesNotContain("\n");
    }
}
