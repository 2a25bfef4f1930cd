package io.fsctx.tools.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs the real entry point ({@link FsctxCommand#execute}, what {@code main} runs before it
 * exits) in process, with standard streams in memory.
 */
final class Cli {
  private Cli() {}

  /** Exit status, standard output and standard error of one run. */
  record Result(int exit, String out, String err) {
    List<String> lines() {
      return Arrays.asList(out.split("\\R"));
    }

    /** A refusal as the convention says: this status, nothing on stdout, no stack trace. */
    Result assertRefused(int status) {
      assertEquals(status, exit, this::toString);
      assertEquals("", out, "nothing on standard output when the command fails");
      assertNoStackTrace();
      return this;
    }

    /** No Java stack trace on standard error. */
    Result assertNoStackTrace() {
      assertFalse(err.contains("\tat "), () -> "a stack trace reached the user:\n" + err);
      assertFalse(err.contains("Exception in thread"), () -> "an uncaught exception:\n" + err);
      return this;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
  }

  /** Runs with an empty standard input. */
  static Result run(String... args) {
    return run(new byte[0], args);
  }

  /** Runs with {@code stdin} as standard input. */
  static Result run(byte[] stdin, String... args) {
    return run(new ByteArrayInputStream(stdin), UnaryOperator.identity(), args);
  }

  /** Runs with standard input and the streams' states and environment as {@code adjust} makes them. */
  static Result run(InputStream stdin, UnaryOperator<Stdio> adjust, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = FsctxCommand.execute(args, adjust.apply(Stdio.of(stdin, out, err)));
    return new Result(exit, out.toString(UTF_8), err.toString(UTF_8));
  }

  /** Runs with standard output going to {@code out} (a failing stream, say). */
  static Result runTo(OutputStream out, UnaryOperator<Stdio> adjust, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        FsctxCommand.execute(args, adjust.apply(Stdio.of(new ByteArrayInputStream(new byte[0]), out, err)));
    return new Result(exit, "", err.toString(UTF_8));
  }
}
