import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_job_title_and_people'),
    ]

    operations = [
        migrations.CreateModel(
            name='NoticePreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('note_awaiting', 'A note of visit is waiting for your response'), ('note_shared', 'A final note of visit has been shared with you'), ('note_response', 'A school has responded to your note of visit'), ('plan_review_due', 'An action plan review is due'), ('letter_issued', 'A letter has been issued to your school'), ('booking', 'A CPD place is booked, changed or cancelled'), ('weekly_digest', 'Your weekly digest')], max_length=30)),
                ('email', models.BooleanField(default=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notice_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['user', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notice_preference_one_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='NoticeSent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text='What was sent, e.g. plan-review-due:12:2026-03-17.', max_length=200)),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-sent_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('recipient', 'key'), name='notice_sent_once')],
            },
        ),
    ]
