"""English and Russian throughout (PRODUCT.md, "Languages"): the language
comes from the reader's choice (the footer's switch, /i18n/setlang/) or else
the browser's Accept-Language, on the same URLs; what the site writes is in
it, what readers and editors wrote is shown as written."""

import re
import uuid
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real
from pytest_django.asserts import assertContains, assertNotContains

from briefing.accounts.models import User
from comments import moderation, timeliness
from comments.models import Appeal, Comment, QueueAlert, Report, Status
from notifications.models import Kind, Notification
from notifications.tasks import send_notification_mail

from .conftest import PASSWORD, post

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
NOTICE = (
    "Уважаемый читатель, чтобы оставлять комментарии к публикации, "
    "необходимо авторизоваться."
)
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True, scope="module")
def _compiled_messages():
    """The .mo files are compiled at install (`make test` does); a bare
    pytest run compiles what is missing or older than its .po."""
    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parts[-3]], verbosity=0)
            trans_real._translations.clear()
            trans_real._default = None
            break


def text_of(response) -> str:
    """The page's words as a reader reads them: tags gone, spaces joined."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong|time|em|b|code)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- each main page, in both languages -----------------------------------


@pytest.fixture
def pages(article, reader, make_comment):
    make_comment(article, reader, "Нефть — это будущее.")
    return {
        "front": ("/", None),
        "article": (article.get_absolute_url(), None),
        "profile": (reader.get_absolute_url(), None),
        "guidelines": (reverse("briefing:guidelines"), None),
        "sign-in": (reverse("account_login"), None),
        "notifications": (reverse("notifications:list"), reader),
    }


PAGE_WORDS = {
    # page: (English, Russian)
    "front": ('<h1 class="page-title">Latest</h1>', "Последнее"),
    "article": ("Discussion", "Обсуждение"),
    "profile": ("Comments (1)", "Комментарии (1)"),
    "guidelines": ("How moderation works", "Как устроена модерация"),
    "sign-in": ("Forgotten your password?", "Забыли пароль?"),
    "notifications": ("Which notifications reach you by e-mail", "Какие уведомления"),
}


@pytest.mark.parametrize("name", PAGE_WORDS)
def test_each_page_follows_accept_language(client, pages, name):
    path, user = pages[name]
    if user:
        client.force_login(user)
    english, russian = PAGE_WORDS[name]

    in_russian = client.get(path, **RU)
    in_english = client.get(path, **EN)

    assert in_russian.status_code == in_english.status_code == 200
    assertContains(in_russian, '<html lang="ru">')
    assertContains(in_russian, russian)
    assertNotContains(in_russian, english)
    assert in_russian["Content-Language"] == "ru"
    assertContains(in_english, '<html lang="en">')
    assertContains(in_english, english)
    assertNotContains(in_english, russian)
    assert "Accept-Language" in in_russian["Vary"]


def test_without_accept_language_the_site_speaks_english(client, article):
    page = client.get(article.get_absolute_url())

    assertContains(page, '<html lang="en">')
    assertContains(page, "Dear reader, to leave comments on the publication")


@pytest.mark.parametrize("name", PAGE_WORDS)
def test_the_switch_chooses_the_language_of_each_page(pages, name):
    """The footer's form, posted without JavaScript and without a CSRF
    token (the anonymous page is shared), then the page: in Russian whatever
    the browser asks for, until the reader switches back."""
    path, user = pages[name]
    browser = Client(enforce_csrf_checks=True)
    if user:
        browser.force_login(user)
    page = browser.get(path, **EN)
    assertContains(page, 'action="/i18n/setlang/"')
    assertContains(page, f'name="next" value="{path}"')
    token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    form = {"language": "ru", "next": path}
    if user:
        form["csrfmiddlewaretoken"] = token[1]

    switched = browser.post("/i18n/setlang/", form, **EN)

    assert switched.status_code == 302
    assert switched["Location"] == path
    in_russian = browser.get(path, **EN)
    assertContains(in_russian, '<html lang="ru">')
    assertContains(in_russian, PAGE_WORDS[name][1])
    assertContains(in_russian, 'lang="ru" class="link-button language-switch__choice"')
    assertContains(in_russian, 'aria-current="true">Русский</button>', html=False)
    browser.post("/i18n/setlang/", {**form, "language": "en"}, **RU)
    assertContains(browser.get(path, **RU), '<html lang="en">')


def test_the_anonymous_switch_carries_no_token_so_the_page_stays_shared(
    client, article
):
    page = client.get(article.get_absolute_url(), **RU)

    assertNotContains(page, "csrfmiddlewaretoken")


def test_the_switch_refuses_a_foreign_next_and_an_unknown_language(client):
    away = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "https://evil.example/"}
    )
    unknown = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    garbage = client.post("/i18n/setlang/", {"language": "\x00", "next": "/\x00"})

    assert away.status_code == 302
    assert away["Location"] == "/"
    assert unknown.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies
    assert garbage.status_code in (302, 400)
    assert client.get("/i18n/setlang/").status_code == 405


def test_a_signed_in_readers_choice_is_remembered_on_the_account(reader, form_token):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    page = browser.get("/guidelines/")

    forged = browser.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    chosen = browser.post(
        "/i18n/setlang/",
        {"language": "ru", "next": "/", "csrfmiddlewaretoken": form_token(page)},
    )

    assert forged.status_code == 403
    assert chosen.status_code == 302
    reader.refresh_from_db()
    assert reader.language == "ru"
    elsewhere = Client()  # another browser, no cookie, asking for English
    elsewhere.force_login(reader)
    assertContains(elsewhere.get("/guidelines/", **EN), '<html lang="ru">')


def test_signing_up_remembers_the_language_of_the_sign_up(client):
    client.post(
        reverse("account_signup"),
        {
            "username": "Ivan",
            "display_name": "Иван",
            "email": "ivan@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **RU,
    )

    assert User.objects.get(username="Ivan").language == "ru"
    (verification,) = mail.outbox
    assert verification.subject == "Брифинг: Подтвердите адрес электронной почты"
    assert "Чтобы подтвердить его, перейдите по ссылке" in verification.body


def test_account_mails_follow_the_readers_language_not_the_page(client, reader):
    reader.language = "ru"
    reader.save()

    client.post(reverse("account_reset_password"), {"email": reader.email}, **EN)

    (reset,) = mail.outbox
    assert reset.subject.startswith("Брифинг: ")


# --- the notice, dates, plurals ------------------------------------------


def test_the_notice_in_russian_is_the_seed_sites_sentence(client, article):
    page = client.get(article.get_absolute_url(), **RU)

    assert NOTICE in text_of(page)
    assertContains(
        page, 'href="/accounts/login/?next=/articles/oil-and-gas/%23comments"'
    )


def test_dates_read_as_each_language_writes_them(
    client, make_article, reader, make_comment
):
    at = datetime(2024, 2, 11, 15, 30, tzinfo=MOSCOW)
    article = make_article(published_at=at)
    make_comment(article, reader, "Первый.", created_at=at)

    russian = text_of(client.get(article.get_absolute_url(), **RU))
    english = text_of(client.get(article.get_absolute_url(), **EN))
    front = text_of(client.get("/", **RU))

    assert russian.count("11 февраля 2024 15:30") == 2  # the article, the comment
    assert english.count("11 February 2024 15:30") == 2
    assert "11 февраля 2024 15:30" in front
    assert "February" not in russian


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 комментарий"),
        (2, "2 комментария"),
        (5, "5 комментариев"),
        (11, "11 комментариев"),
        (21, "21 комментарий"),
        (22, "22 комментария"),
    ],
)
def test_comment_counts_take_the_russian_plural(
    client, article, reader, make_comment, count, words
):
    for number in range(count):
        make_comment(article, reader, f"Комментарий {number}.")

    front = text_of(client.get("/", **RU))

    assert f" {words} " in f" {front} "


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 минута"), (2, "2 минуты"), (5, "5 минут"), (21, "21 минута")],
)
def test_durations_take_the_russian_plural(minutes, words):
    from briefing.accounts.throttle import _wait_text

    with translation.override("ru"):
        assert _wait_text(minutes * 60) == words


# --- forms, messages, e-mails, the admin ----------------------------------


def test_form_errors_are_in_russian(signed_in, article):
    page = signed_in.post(
        reverse("comments:post", args=[article.slug]), {"body": "   "}, **RU
    )

    assertContains(
        page,
        "Сначала напишите что-нибудь: комментарий не может быть пустым.",
        status_code=400 if page.status_code == 400 else page.status_code,
    )
    assertNotContains(page, "Write something first", status_code=page.status_code)


def test_sign_in_errors_are_in_russian(client, reader):
    page = client.post(
        reverse("account_login"), {"login": "Paul3390", "password": "wrong"}, **RU
    )

    text = text_of(page)
    assert "Имя пользователя или адрес электронной почты" in text
    assert "Username or e-mail address" not in text
    assert re.search("[а-я]{4,}", page.context["form"].non_field_errors()[0])


def test_messages_are_in_russian(signed_in, article, told):
    response = post(signed_in, article, "Мой первый комментарий.", **RU)

    assert told(response) == [
        "Спасибо. Ваш комментарий ожидает модерации; пока модератор его не "
        "одобрит, его видите только вы."
    ]


def test_a_mail_is_in_its_recipients_language_whoever_caused_it(
    article, reader, other_reader, make_comment, no_new_reader_premoderation
):
    reader.language = "ru"
    reader.save()
    answered = make_comment(article, reader, "Нефть — это будущее.")
    english_client = Client()
    english_client.force_login(other_reader)
    post(english_client, article, "I disagree.", reply_to=answered.pk, **EN)
    notification = Notification.objects.get(recipient=reader)

    assert send_notification_mail.call(notification.pk) == "sent"

    (message,) = mail.outbox
    assert message.subject == (
        "Fizik13 (Alexey) ответил(а) на ваш комментарий: "
        "Russia enters the oil and gas sector"
    )
    assert "Читать на Брифинге:" in message.body
    assert '<html lang="ru">' in message.alternatives[0].content
    assert "Read it on Briefing" not in message.body
    assert notification.text == "Fizik13 (Alexey) ответил(а) на ваш комментарий"


def test_a_mail_to_a_reader_who_chose_no_language_is_in_english(
    article, reader, other_reader, make_comment, no_new_reader_premoderation
):
    answered = make_comment(article, reader, "Oil is the future.")
    russian_client = Client()
    russian_client.force_login(other_reader)
    post(russian_client, article, "Не согласен.", reply_to=answered.pk, **RU)
    notification = Notification.objects.get(recipient=reader)

    send_notification_mail.call(notification.pk)

    (message,) = mail.outbox
    assert "Read it on Briefing:" in message.body


def test_the_admin_queue_is_in_russian(
    moderator_client, article, other_reader, make_comment
):
    make_comment(article, other_reader, "Ждёт.", Status.PENDING)

    front = moderator_client.get("/admin/", **RU)
    queue = moderator_client.get(reverse("admin:comments_comment_changelist"), **RU)

    assertContains(front, "Очередь модерации")
    assertContains(front, "<dt>Ожидают</dt>", html=True)
    assertContains(queue, "Одобрить (опубликовать) выбранные комментарии")
    assertContains(queue, "Требует решения")
    assertNotContains(queue, "Approve (publish)")


def test_an_admin_action_says_what_it_did_in_russian(
    moderator_client, article, other_reader, make_comment, told
):
    pending = [
        make_comment(article, other_reader, f"{n}", Status.PENDING) for n in "12"
    ]

    response = moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_selected", "_selected_action": [c.pk for c in pending]},
        **RU,
    )

    assert told(response) == ["Одобрено 2 комментария."]


def test_placeholders_and_refusals_are_in_russian(
    client, article, reader, other_reader, make_comment, moderator
):
    removed = make_comment(article, other_reader, "Spam, spam.")
    moderation.reject(removed, moderator, reason="Spam")

    page = text_of(client.get(article.get_absolute_url(), **RU))

    assert "Этот комментарий удалён модератором" in page
    assert "removed by a moderator" not in page


# --- the shared anonymous page --------------------------------------------


def test_two_anonymous_readers_never_get_each_others_language(article):
    english, russian = Client(), Client()

    first = english.get(article.get_absolute_url(), **EN)
    second = russian.get(article.get_absolute_url(), **RU)
    third = english.get(article.get_absolute_url(), **EN)
    switched = Client()
    switched.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    fourth = switched.get(article.get_absolute_url(), **EN)

    assertContains(first, '<html lang="en">')
    assertContains(second, '<html lang="ru">')
    assertContains(third, '<html lang="en">')
    assertContains(fourth, '<html lang="ru">')
    for response in (first, second, third, fourth):
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary


def test_the_shared_page_is_shared_within_a_language(
    article, django_assert_max_num_queries
):
    Client().get(article.get_absolute_url(), **RU)

    with django_assert_max_num_queries(2):
        again = Client().get(article.get_absolute_url(), **RU)

    assertContains(again, '<html lang="ru">')


# --- nothing left in English ----------------------------------------------

# Words of the site's own English; readers' and editors' text in these tests
# is Russian, so any of these on a Russian page is a string left unmarked.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|you|comments?|sign|page|previous|next|reply|report|"
    r"respect|delete|edit|save|cancel|online|offline|discussion|notifications?|"
    r"settings|guidelines|account|password|latest|articles?|join|post|new|"
    r"pending|reader|show|more|of|to|on|by|in|is|are|no|yet|with|for)\b",
    re.IGNORECASE,
)


class _Words(HTMLParser):
    """What a reader reads or hears: text, and the attributes shown or spoken."""

    SPOKEN = {"alt", "title", "aria-label", "placeholder", "content"}

    def __init__(self):
        super().__init__()
        self.words, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        for name in self.SPOKEN & set(attrs):
            if name != "content" or attrs.get("name") == "description":
                self.words.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.words.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def english_left(response) -> list[str]:
    parser = _Words()
    parser.feed(response.content.decode())
    found = []
    for chunk in parser.words:
        # The switch names each language in itself; "English" is meant.
        chunk = chunk.replace("English", "")
        found += [
            f"{word!r} in {chunk.strip()[:80]!r}"
            for word in ENGLISH_WORDS.findall(chunk)
        ]
    return found


@pytest.fixture
def russian_site(make_reader, make_article, make_comment, moderator):
    """A site whose readers and editors wrote in Russian."""
    desk = make_reader("Редакция", "Редакция", is_staff=True)
    ivan = make_reader("Иван", "Иван", language="ru")
    olga = make_reader("Ольга", "Ольга")
    article = make_article(
        slug="neft",
        title="Россия выходит на рынок нефти и газа",
        lead="Москва и Пхеньян расширяют сотрудничество.",
        body="Абзац.\n\n> Цитата\n— сказал он.",
        author=desk,
    )
    for number in range(55):  # two pages of comments
        make_comment(article, olga, f"Комментарий номер {number}.")
    first = Comment.objects.filter(article=article).first()
    make_comment(article, ivan, "Ответ.", reply_to=first)
    make_comment(article, ivan, "Ждёт модерации.", Status.PENDING)
    for number in range(12):  # two pages of articles
        make_article(
            slug=f"statya-{number}",
            title=f"Статья {number}",
            lead="Вводка.",
            author=desk,
        )
    return {"article": article, "ivan": ivan, "olga": olga, "first": first}


def test_no_page_is_left_in_english(russian_site, moderator, make_reader):
    """Every page's own words, rendered in Russian, are Russian: a template
    string or a Python one left unmarked shows here."""
    article, ivan, olga = (
        russian_site["article"],
        russian_site["ivan"],
        russian_site["olga"],
    )
    own = Comment.objects.filter(author=ivan, status=Status.PUBLISHED).first()
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(ivan)
    # Ivan appeals one rejected comment; another waits for its appeal.
    appealed = Comment.objects.create(article=article, author=ivan, body="Обжалован.")
    moderation.reject(appealed, moderator, reason="Оскорбление")
    moderation.file_appeal(appealed, ivan, "Прошу пересмотреть.")
    to_appeal = Comment.objects.create(article=article, author=ivan, body="Отклонён.")
    moderation.reject(to_appeal, moderator, reason="Оскорбление")
    # The desk, as a moderator of the Russian site sees it: notes on Ivan
    # (more than the queue shows), a reported comment, an open appeal.
    desk_moderator = make_reader("Марина", "Марина", is_staff=True, language="ru")
    desk_moderator.groups.add(*moderator.groups.all())
    for number in range(4):
        moderation.note_reader(ivan, desk_moderator, f"Заметка {number}.")
    moderation.report_comment(
        russian_site["first"], ivan, Report.Reason.ABUSE, "Грубо."
    )
    desk = Client()
    desk.force_login(desk_moderator)
    appeal = Appeal.objects.get(comment=appealed)
    pages = {
        anonymous: [
            "/",
            "/?page=2",
            article.get_absolute_url(),
            article.get_absolute_url() + "?page=2",
            olga.get_absolute_url(),
            reverse("briefing:guidelines"),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            "/no-such-page/",
        ],
        signed_in: [
            "/",
            article.get_absolute_url(),
            article.get_absolute_url() + f"?reply_to={russian_site['first'].pk}",
            olga.get_absolute_url(),
            ivan.get_absolute_url(),
            reverse("notifications:list"),
            reverse("notifications:settings"),
            reverse("accounts:account"),
            reverse("accounts:delete"),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("mfa_index"),
            reverse("usersessions_list"),
            reverse("comments:edit", args=[own.pk]),
            reverse("comments:delete", args=[own.pk]),
            reverse("comments:report", args=[russian_site["first"].pk]),
            reverse("comments:appeal", args=[to_appeal.pk]),
            reverse("comments:appeal", args=[appealed.pk]),
        ],
        desk: [
            "/admin/",
            reverse("admin:comments_comment_changelist"),
            reverse("admin:comments_comment_changelist") + "?queue=all",
            reverse("admin:comments_comment_change", args=[russian_site["first"].pk]),
            reverse("admin:comments_moderatornote_changelist"),
            reverse("admin:comments_moderatornote_add"),
            reverse("admin:comments_appeal_changelist"),
            reverse("admin:comments_appeal_change", args=[appeal.pk]),
        ],
    }
    left = {}

    for browser, paths in pages.items():
        for path in paths:
            response = browser.get(path, **RU)
            assert response.status_code in (200, 404), path
            if found := english_left(response):
                left[path] = found

    assert left == {}


def test_the_javascript_catalog_speaks_the_pages_language(client):
    russian = client.get(reverse("javascript_catalog"), **RU)
    english = client.get(reverse("javascript_catalog"), **EN)

    # The catalogue escapes non-ASCII letters: "новых" below.
    new_comments = '"%(count)s \\u043d\\u043e\\u0432\\u044b\\u0445'
    assertContains(russian, new_comments)
    assertNotContains(english, new_comments)
    assert "max-age=3600" in russian["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {
        part.strip() for part in russian["Vary"].split(",")
    }


def test_what_readers_wrote_is_shown_as_written(client, article, reader, make_comment):
    make_comment(article, reader, "Comments are the new front page.")

    page = client.get(article.get_absolute_url(), **RU)

    assertContains(page, "Comments are the new front page.")
    assertContains(page, "Russia enters the oil and gas sector")


def test_switching_posts_nothing_else(client, article):
    """The exempt view sets the cookie and redirects, nothing more."""
    response = client.post(
        "/i18n/setlang/",
        {
            "language": "ru",
            "next": article.get_absolute_url(),
            "body": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"]
    assert Comment.objects.count() == 0


def test_the_check_for_english_finds_the_english_site(russian_site):
    """The check above would see a string left in English: the same pages in
    English are full of them."""
    signed_in = Client()
    signed_in.force_login(russian_site["olga"])  # who chose no language

    found = english_left(
        signed_in.get(russian_site["article"].get_absolute_url(), **EN)
    )

    assert len(found) > 20


# --- the moderator's desk, appeals, the queue alert -----------------------


@pytest.fixture
def pending_in_queue(article, other_reader, make_comment):
    return make_comment(article, other_reader, "Ждёт решения.", Status.PENDING)


def test_the_queues_desk_buttons_and_keys_are_in_russian(
    moderator_client, pending_in_queue
):
    queue = moderator_client.get(reverse("admin:comments_comment_changelist"), **RU)

    assertContains(queue, 'data-key="a">Одобрить <kbd>a</kbd></button>')
    assertContains(queue, "Отклонить… <kbd>r</kbd></summary>")
    assertContains(queue, 'data-key="f">Выделить <kbd>f</kbd></button>')
    assertContains(queue, ">Отклонить как «другое»</button>")
    assertContains(queue, "Добавить заметку о читателе Fizik13")
    assertContains(queue, '<h2 id="desk-keys-title">Клавиши очереди модерации</h2>')
    for english in ("Approve <kbd>", "Reject…", "Feature <kbd>", "Keep the note"):
        assertNotContains(queue, english)


def test_a_one_click_decision_says_what_it_did_in_russian(
    moderator_client, pending_in_queue, told
):
    url = reverse("admin:comments_comment_approve", args=[pending_in_queue.pk])

    approved = moderator_client.post(url, **RU)
    again = moderator_client.post(url, **RU)

    assert told(approved) == ["Одобрен: «Ждёт решения.» (автор Fizik13 (Alexey))."]
    assert told(again)[-1:] == [
        "Нечего одобрять: комментарий «Ждёт решения.» (автор Fizik13 (Alexey)) — "
        "«опубликован», жалоб на него нет."
    ]


def test_a_rejection_without_its_note_is_refused_in_russian(
    moderator_client, pending_in_queue, told
):
    url = reverse("admin:comments_comment_reject", args=[pending_in_queue.pk])

    response = moderator_client.post(url, {"removal_reason": "other"}, **RU)

    (message,) = told(response)
    assert message.startswith("Комментарий «Ждёт решения.» (автор Fizik13 (Alexey)) не")
    assert "Обязательное поле." in message


def test_notes_on_a_reader_are_in_russian(
    moderator_client, moderator, pending_in_queue, other_reader, told
):
    url = reverse("admin:comments_comment_note", args=[pending_in_queue.pk])

    kept = moderator_client.post(url, {"text": "Предупреждён по почте."}, **RU)
    refused = moderator_client.post(url, {"text": "  "}, **RU)
    for number in range(4):
        moderation.note_reader(other_reader, moderator, f"Заметка {number}.")
    queue = moderator_client.get(reverse("admin:comments_comment_changelist"), **RU)
    add_page = moderator_client.get(reverse("admin:comments_moderatornote_add"), **RU)

    assert told(kept) == ["Заметка о читателе Fizik13 (Alexey) сохранена."]
    assert told(refused)[-1:] == ["Заметка не сохранена: Обязательное поле."]
    # Three notes shown beside the comment, and two older ones behind a link.
    assertContains(queue, "и ещё 2 более ранние заметки")
    assertContains(add_page, "Заметка для других модераторов (читатель её не увидит)")
    assertContains(add_page, "Читатель (имя пользователя)")


@pytest.fixture
def russian_author(reader):
    reader.language = "ru"
    reader.save()
    return reader


@pytest.fixture
def rejected_comment(article, russian_author, make_comment, moderator):
    comment = make_comment(article, russian_author, "Резко, но честно.")
    moderation.reject(comment, moderator, reason="Оскорбление")
    return comment


def test_the_appeal_page_is_in_russian(signed_in, rejected_comment, told):
    url = reverse("comments:appeal", args=[rejected_comment.pk])

    page = signed_in.get(url, **RU)
    empty = signed_in.post(url, {"text": "  "}, **RU)
    sent = signed_in.post(url, {"text": "Я цитировал статью."}, **RU)
    appealed = signed_in.get(url, **RU)
    article_page = text_of(signed_in.get(rejected_comment.article.get_absolute_url()))

    text = text_of(page)
    assert "Обжалование решения" in text
    assert "Не больше 1 000 символов. Апелляцию прочтёт другой модератор" in text
    assert re.search(
        r"до \d{1,2} (декабря|января|февраля|марта|апреля|мая|июня|"
        r"июля|августа|сентября|октября|ноября) \d{4} \d\d:\d\d",
        text,
    )
    assertContains(page, "Отправить апелляцию")
    assertContains(
        empty,
        "Объясните, почему решение нужно изменить: апелляция не может быть пустой.",
        status_code=empty.status_code,
    )
    assert told(sent) == [
        "Ваша апелляция отправлена. Модератор ещё раз рассмотрит ваш "
        "комментарий, и вам сообщат о его решении."
    ]
    assert "Модератор её рассмотрит; вам сообщат о его решении." in text_of(appealed)
    assert "Ваша апелляция ждёт модератора" in article_page


def test_a_second_appeal_is_refused_in_russian(signed_in, rejected_comment):
    url = reverse("comments:appeal", args=[rejected_comment.pk])
    signed_in.post(url, {"text": "Я цитировал статью."}, **RU)

    again = signed_in.post(url, {"text": "Ещё раз."}, **RU)

    assertContains(
        again,
        "Вы уже обжаловали это решение: комментарий обжалуют только один раз.",
        status_code=403,
    )


@pytest.fixture
def second_moderator(make_reader, moderator):
    user = make_reader("moderator2", "Second", is_staff=True)
    user.groups.add(*moderator.groups.all())
    return user


@pytest.mark.parametrize(
    ("decision", "told_in_russian"),
    [
        (
            "reverse",
            "Ваша апелляция удовлетворена: комментарий снова опубликован. Перечитали.",
        ),
        (
            "uphold",
            "Ваша апелляция отклонена: комментарий остаётся отклонённым. Перечитали.",
        ),
    ],
)
def test_an_appeal_decided_is_told_in_the_authors_language(
    rejected_comment, russian_author, second_moderator, decision, told_in_russian
):
    appeal = moderation.file_appeal(rejected_comment, russian_author, "Я прав.")
    english_desk = Client()
    english_desk.force_login(second_moderator)

    english_desk.post(
        reverse("admin:comments_appeal_change", args=[appeal.pk]),
        {"decision": decision, "decision_reason": "Перечитали"},
        **EN,
    )
    notification = Notification.objects.get(
        recipient=russian_author, kind=Kind.APPEAL_DECIDED
    )
    send_notification_mail.call(notification.pk)

    assert notification.text == told_in_russian
    (message,) = mail.outbox
    assert told_in_russian in message.body
    assert "Your appeal" not in message.body


def test_the_appeals_admin_decides_in_russian(
    rejected_comment, russian_author, second_moderator, told
):
    appeal = moderation.file_appeal(rejected_comment, russian_author, "Я прав.")
    desk = Client()
    desk.force_login(second_moderator)
    url = reverse("admin:comments_appeal_change", args=[appeal.pk])

    page = desk.get(url, **RU)
    queue = desk.get(reverse("admin:comments_appeal_changelist"), **RU)
    unexplained = desk.post(url, {"decision": "reverse"}, **RU)
    decided = desk.post(
        url, {"decision": "reverse", "decision_reason": "Перечитали"}, **RU
    )

    assertContains(page, "Удовлетворить апелляцию: снова опубликовать комментарий")
    assertContains(page, "Причина (её прочтёт автор)")
    assertContains(queue, "Удовлетворить выбранные апелляции…")
    assertContains(queue, "Ждут решения")
    assertContains(unexplained, "Укажите причину решения.")
    assert told(decided) == [
        "Апелляция удовлетворена: комментарий снова опубликован. "
        "Автор получит уведомление."
    ]


def test_the_queue_alert_is_mailed_in_each_moderators_language(
    moderator, make_reader, article, other_reader, make_comment, settings
):
    settings.BRIEFING_QUEUE_ALERT_MINUTES = 45
    russian = make_reader("Марина", "Марина", is_staff=True, language="ru")
    russian.groups.add(*moderator.groups.all())
    for minutes in (50, 5):
        make_comment(
            article,
            other_reader,
            "Ждёт.",
            Status.PENDING,
            created_at=timezone.now() - timedelta(minutes=minutes),
        )

    with translation.override("en"):
        assert timeliness.alert_if_queue_waits.call() == "sent"

    mails = {message.to[0]: message for message in mail.outbox}
    in_russian, in_english = mails[russian.email.lower()], mails[moderator.email]
    assert in_russian.subject == (
        "2 комментария ждут модерации, самый давний — около 50 минут"
    )
    assert "Очередь модерации ждёт дольше 45 минут." in in_russian.body
    assert "Ждут решения: 2 комментария." in in_russian.body
    assert "Пока очередь ждёт, такое письмо приходит не чаще раза в час." in (
        in_russian.body
    )
    assert "/admin/comments/comment/" in in_russian.body
    assert in_english.subject == (
        "2 comments wait for moderation, the oldest for about 50 minutes"
    )
    assert "The moderation queue has waited longer than 45 minutes." in (
        in_english.body
    )
    assert QueueAlert.objects.get().recipients == 2


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 минуты"), (2, "2 минут"), (5, "5 минут"), (21, "21 минуты")],
)
def test_the_queue_alerts_limit_takes_the_russian_plural(minutes, words):
    from comments.timeliness import QueueState

    with translation.override("ru"):
        body = render_to_string(
            "comments/queue_alert.txt",
            {
                "state": QueueState(
                    pending=1, reported=0, oldest_pending_at=None, decisions=[]
                ),
                "limit_minutes": minutes,
                "oldest_wait": "",
                "queue_link": "",
            },
        )

    assert f"Очередь модерации ждёт дольше {words}." in body
    assert "Ждёт решения: 1 комментарий." in body


@pytest.mark.parametrize(
    ("published", "words"),
    [(1, "1 опубликован"), (2, "2 опубликованы"), (5, "5 опубликовано")],
)
def test_the_authors_history_in_the_queue_takes_the_russian_plural(
    moderator_client, article, other_reader, make_comment, published, words
):
    for number in range(published):
        make_comment(article, other_reader, f"Комментарий {number}.")
    make_comment(article, other_reader, "Ждёт.", Status.PENDING)

    queue = moderator_client.get(reverse("admin:comments_comment_changelist"), **RU)

    assertContains(queue, f'<span class="history">{words}, 1 ожидает</span>')
