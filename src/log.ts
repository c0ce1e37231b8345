import winston from 'winston';

export type Logger = winston.Logger;

/** JSON lines on stdout; every request logs through a child carrying its traceId. */
export function createLogger(level: string): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
