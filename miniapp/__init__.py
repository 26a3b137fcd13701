"""The Telegram Mini App: what is clumsy in a chat, as pages inside Telegram (issue 12).

Served by the app under ``/app/``: the pages (``static/``: vanilla JavaScript, no build step,
nothing loaded from the internet but Telegram's own ``telegram-web-app.js``) and a JSON API under
``/app/api/``. Every API call carries the launch's signed ``initData`` (``Authorization: tma
<initData>``), validated as Telegram specifies (``auth``); the citizen is the one bound to that
Telegram user, and sees only their own records, through the same use cases the chat calls
(``actions/``). English and Chinese from the catalogs (``locales/*/miniapp.ftl``).

- ``app``: the sub-application, its routes, the page and its security headers;
- ``auth``: initData validation and the citizen behind a request;
- ``http``: JSON answers, errors, the language of a request, catalog texts for the page;
- ``api_*``: the endpoints, by concern; ``views``: records as the page shows them;
- ``qr``: the e-license's verification code as a QR code (SVG, drawn on the server).
"""
