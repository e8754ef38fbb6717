import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { RegisteredSourceGuard } from './registered-source.guard';
import { SeenSignatures } from './seen-signatures';
import { SignedRequestMiddleware } from './signed-request.middleware';
import { SubmitTrigger } from './submit-trigger.usecase';
import { TriggersModule } from '../triggers/triggers.module';

/** Who the source systems are and how they prove it: bearer tokens bound to sources, or signed requests. */
@Module({
  imports: [TriggersModule],
  providers: [
    SubmitTrigger,
    SeenSignatures,
    SignedRequestMiddleware,
    RegisteredSourceGuard,
  ],
  exports: [RegisteredSourceGuard, SubmitTrigger],
})
export class SourceAuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every intake route: the middleware acts only on requests that carry a signature.
    consumer.apply(SignedRequestMiddleware).forRoutes('{*path}');
  }
}
