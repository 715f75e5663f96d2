package io.firstspike.server;

/** A request failure that carries the HTTP status it should be answered with. */
final class HttpStatusException extends RuntimeException {
  private final int status;

  HttpStatusException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
