package io.fsctx.examples.scanner;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The user-mode scanner ({@code scanUser.c}) connected to the filter's communication port: it
 * answers each {@code SCANNER_NOTIFICATION} with a {@code SCANNER_REPLY} saying whether the bytes
 * are safe, that is, whether they do not contain the string {@code foul}.
 *
 * <p>PORT: the model keeps no file data, so a notification carries the name of the file the bytes
 * come from and how many there are, and the bytes of a file whose name contains {@value #FOUL}
 * (any case) are taken to contain it. An empty file, or a read that returned nothing, sends no
 * notification, as in the sample. The port's {@code FltSendMessage} is a direct call; there are no
 * worker threads, completion port or message IDs.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class ScanUser {
  /** The string {@code scanUser.c} looks for. */
  public static final String FOUL = "foul";

  private final AtomicInteger scans = new AtomicInteger();

  /**
   * {@code SCANNER_NOTIFICATION}: what the filter sends.
   *
   * @param bytesToScan {@code BytesToScan}
   * @param fileName PORT: the file the bytes come from, standing for {@code Contents}
   */
  public record Notification(long bytesToScan, String fileName) {}

  /**
   * {@code ScanBuffer} and the reply: scans one notification.
   *
   * @param notification what the filter sent
   * @return {@code SafeToOpen}
   */
  public boolean scan(Notification notification) {
    scans.incrementAndGet();
    boolean foul = notification.bytesToScan() > 0
        && notification.fileName().toLowerCase(Locale.ROOT).contains(FOUL);
    return !foul;
  }

  /** How many notifications were scanned. */
  public int scans() {
    return scans.get();
  }
}
