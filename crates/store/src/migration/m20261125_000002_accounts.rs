//! Accounts, roles with scoped assignments, database sessions, login throttling, and the
//! hash-chained audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    DistrictCode,
    Username,
    DisplayName,
    PasswordHash,
    Kind,
    StaffId,
    DepartmentId,
    UnitCode,
    Disabled,
    SessionsValidAfter,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Role {
    Table,
    Id,
    DistrictCode,
    Key,
    Name,
    Permissions,
    Builtin,
    Version,
}

#[derive(DeriveIden)]
enum UserRole {
    Table,
    Id,
    DistrictCode,
    UserId,
    RoleId,
    ScopeKind,
    ScopeRegions,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStart,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    DistrictCode,
    Seq,
    At,
    ActorUserId,
    ActorName,
    ActorRoles,
    Ip,
    Action,
    EntityType,
    EntityId,
    BeforeDigest,
    AfterDigest,
    Detail,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    DistrictCode,
    Seq,
    LastHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AppUser::Table)
                .if_not_exists()
                .col(big_pk_auto(AppUser::Id))
                .col(string_len(AppUser::DistrictCode, 12))
                .col(string_len_uniq(AppUser::Username, 64))
                .col(string_len(AppUser::DisplayName, 64))
                .col(string_len_null(AppUser::PasswordHash, 200))
                .col(string_len(AppUser::Kind, 16))
                .col(big_integer_null(AppUser::StaffId))
                .col(big_integer_null(AppUser::DepartmentId))
                .col(string_len_null(AppUser::UnitCode, 17))
                .col(boolean(AppUser::Disabled).default(false))
                .col(timestamp_with_time_zone(AppUser::SessionsValidAfter))
                .col(integer(AppUser::Version).default(1))
                .col(timestamp_with_time_zone(AppUser::CreatedAt))
                .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Role::Table)
                .if_not_exists()
                .col(big_pk_auto(Role::Id))
                .col(string_len(Role::DistrictCode, 12))
                .col(string_len(Role::Key, 64))
                .col(string_len(Role::Name, 64))
                .col(text(Role::Permissions))
                .col(boolean(Role::Builtin).default(false))
                .col(integer(Role::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_role_key")
                .table(Role::Table)
                .col(Role::DistrictCode)
                .col(Role::Key)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(UserRole::Table)
                .if_not_exists()
                .col(big_pk_auto(UserRole::Id))
                .col(string_len(UserRole::DistrictCode, 12))
                .col(big_integer(UserRole::UserId))
                .col(big_integer(UserRole::RoleId))
                .col(string_len(UserRole::ScopeKind, 32))
                .col(text(UserRole::ScopeRegions))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_role_user")
                        .from(UserRole::Table, UserRole::UserId)
                        .to(AppUser::Table, AppUser::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_role_role")
                        .from(UserRole::Table, UserRole::RoleId)
                        .to(Role::Table, Role::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_user_role_user")
                .table(UserRole::Table)
                .col(UserRole::UserId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Session::Table)
                .if_not_exists()
                // The SHA-256 of the cookie token: a stolen database does not yield live cookies.
                .col(string_len(Session::Id, 64).primary_key())
                .col(big_integer(Session::UserId))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::LastSeenAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .col(string_len_null(Session::Ip, 64))
                .col(string_len_null(Session::UserAgent, 200))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_user")
                        .from(Session::Table, Session::UserId)
                        .to(AppUser::Table, AppUser::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_session_user")
                .table(Session::Table)
                .col(Session::UserId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .if_not_exists()
                .col(string_len(LoginThrottle::Key, 128).primary_key())
                .col(integer(LoginThrottle::Failures).default(0))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(big_pk_auto(AuditLog::Id))
                .col(string_len(AuditLog::DistrictCode, 12))
                .col(big_integer(AuditLog::Seq))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(string_len(AuditLog::ActorName, 64))
                .col(string_len(AuditLog::ActorRoles, 200))
                .col(string_len_null(AuditLog::Ip, 64))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::EntityType, 32))
                .col(string_len(AuditLog::EntityId, 64))
                .col(string_len_null(AuditLog::BeforeDigest, 64))
                .col(string_len_null(AuditLog::AfterDigest, 64))
                .col(text(AuditLog::Detail))
                .col(string_len(AuditLog::PrevHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_audit_seq")
                .table(AuditLog::Table)
                .col(AuditLog::DistrictCode)
                .col(AuditLog::Seq)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .if_not_exists()
                .col(string_len(AuditHead::DistrictCode, 12).primary_key())
                .col(big_integer(AuditHead::Seq).default(0))
                .col(string_len(AuditHead::LastHash, 64))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditHead::Table.into_iden(),
            AuditLog::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            Session::Table.into_iden(),
            UserRole::Table.into_iden(),
            Role::Table.into_iden(),
            AppUser::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
