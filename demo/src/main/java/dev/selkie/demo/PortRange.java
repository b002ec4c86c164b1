package dev.selkie.demo;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Validation shared by the commands; failures are usage errors (exit code 2). */
final class PortRange {
    private PortRange() {
    }

    static void check(CommandSpec spec, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--port': " + port + " is not a port (0-65535, 0 = any free port)");
        }
    }

    static void positive(CommandSpec spec, String option, long value) {
        if (value <= 0) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': " + value + " (must be > 0)");
        }
    }
}
