import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SelfReferralSettings } from '../intake.settings';
import { noticePageHtml, SELF_REFERRAL_HEADERS } from './self-referral-page.html';

/** The name of the page's throttler (ThrottlerModule options and the guard share it). */
export const SELF_REFERRAL_THROTTLER = 'self-referral';

/** Too many posts from one client: when it may try again. */
export class RetryLaterException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The client a post is counted against: the proxy's client header when configured, else the connection's address. */
export function clientOf(settings: SelfReferralSettings) {
  return (request: Record<string, unknown>): string => {
    const headers = (request.headers ?? {}) as Record<string, string | string[] | undefined>;
    const header = settings.clientIpHeader ? headers[settings.clientIpHeader] : undefined;
    const fromProxy = (Array.isArray(header) ? header[0] : header)?.split(',').pop()?.trim();
    return fromProxy || String(request.ip ?? 'unknown');
  };
}

/** @nestjs/throttler's guard (it sets Retry-After), refusing with an exception the page filter turns into a page. */
@Injectable()
export class SelfReferralThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RetryLaterException(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}

/** A person sees a page saying when to try again; any other client gets problem+json with the same facts. */
@Catch(RetryLaterException)
@Injectable()
export class RetryLaterFilter implements ExceptionFilter {
  constructor(private readonly settings: SelfReferralSettings) {}

  catch(exception: RetryLaterException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const wait = exception.retryAfterSeconds;
    const when = wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
    const detail = `Too many requests came from this network in a short time. Please try again in ${when}.`;
    response.set(SELF_REFERRAL_HEADERS).set('retry-after', String(wait)).status(429);
    if (wantsHtml(request)) {
      response.type('html').send(noticePageHtml('Please try again shortly', detail, this.settings));
      return;
    }
    response.type('application/problem+json').send(JSON.stringify({ type: 'about:blank', status: 429, title: 'Too many requests', detail, instance: request.path }));
  }
}

/** A browser navigating (it asks for HTML) gets pages; other clients get problem+json. */
export function wantsHtml(request: Request): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}
