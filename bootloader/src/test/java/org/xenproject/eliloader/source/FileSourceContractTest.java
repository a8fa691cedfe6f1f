package org.xenproject.eliloader.source;

import java.nio.file.Path;

import org.xenproject.eliloader.source.SourceFixtures.WorkDir;

/** The contract on {@code file://}. */
class FileSourceContractTest extends InstallSourceContract {
    @Override
    protected Backend start(Path tree, WorkDir work) {
        return new Backend() {
            @Override
            public String repository() {
                return "file://" + tree;
            }

            @Override
            public SourceOptions options() {
                return SourceFixtures.quickOptions().withFileRoots(java.util.List.of(tree.getParent()));
            }

            @Override
            public void close() {
            }
        };
    }
}
