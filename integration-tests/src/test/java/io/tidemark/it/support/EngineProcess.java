package io.tidemark.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon ({@code tidemark.jar run}) in a JVM of its own, so a test can kill it with
 * SIGKILL exactly as an operating system or an operator would.
 */
public final class EngineProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private EngineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The daemon jar built by the app module (the failsafe configuration passes its path). */
  public static Path jar() {
    String path = System.getProperty("tidemark.jar", "../app/target/tidemark.jar");
    Path jar = Path.of(path);
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the app module first (./mvnw package)");
    }
    return jar;
  }

  public static EngineProcess start(Path config, Path log, String... extraArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(extraArgs));
    command.add("run");
    command.add("--config");
    command.add(config.toString());
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new EngineProcess(p, log);
  }

  /** Runs {@code tidemark.jar ARGS...} to completion; returns exit code and output. */
  public static Outcome runToEnd(Path workDir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    File out = Files.createTempFile(workDir, "cli", ".out").toFile();
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out)
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tidemark " + String.join(" ", args) + " did not finish in 90 s");
    }
    return new Outcome(p.exitValue(), Files.readString(out.toPath()));
  }

  /** Exit code and everything printed. */
  public record Outcome(int exitCode, String output) {}

  /** SIGKILL: no shutdown hook, no signal handler, nothing flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("daemon did not stop within " + timeoutSeconds + " s of SIGTERM");
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code of a process that has ended; -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Waits up to {@code timeoutSeconds} for the process to end by itself; true when it did. */
  public boolean awaitExit(long timeoutSeconds) throws InterruptedException {
    return process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
  }

  public long pid() {
    return process.pid();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
