package dev.selkie.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Validation shared by the commands; failures are usage errors (exit code 2). */
final class OptionChecks {
    private OptionChecks() {
    }

    static void port(CommandSpec spec, int port) {
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

    /** The host must resolve to an address (binding to it may still fail, which is a runtime error). */
    static void host(CommandSpec spec, String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--host': cannot resolve '" + host + "'");
        }
    }
}
